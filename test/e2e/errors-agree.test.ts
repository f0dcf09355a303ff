// Issue 21, "Errors that agree": one exit-code rule for every command, no stack traces for user mistakes,
// help texts that name real ports and paths, and --version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Checkout, runCli, scratchCheckout, spawnCli } from '../helpers/spawn-cli.ts';

describe('errors that agree', () => {
  let checkout: Checkout;
  beforeAll(() => {
    checkout = scratchCheckout();
  });
  afterAll(() => checkout?.remove());
  const cli = (args: string[]) => runCli(args, { cwd: checkout.dir });

  it.each([
    [['send', 'stripe', 'nope.json', '--secret', 'x'], /nope\.json/],
    [['send', 'nosuch', 'samples/stripe/trial-converted.json'], /no source named 'nosuch'/],
    [['sandbox', '--port', '0', '--seed', '/nonexistent.json'], /cannot read \/nonexistent\.json/],
    [['sync', 'run', 'nope.yaml'], /nope\.yaml/],
  ])('%j: a plain line on stderr, exit 2, no stack trace', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/^\{/);
  });

  it('prints the version', async () => {
    const { code, stdout } = await cli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('names the sandbox port and a sync file that exists in the help', async () => {
    const [userflow, syncRun, user, event] = await Promise.all([
      cli(['userflow', '--help']),
      cli(['sync', 'run', '--help']),
      cli(['userflow', 'create-or-update-user', '--help']),
      cli(['userflow', 'track-event', '--help']),
    ]);
    expect(userflow.stdout).toContain('http://127.0.0.1:8788 for the sandbox');
    expect(syncRun.stdout).toContain('syncs/example.yaml');
    expect(syncRun.stdout).not.toContain('syncs/app.yaml');
    for (const help of [user.stdout, event.stdout]) {
      expect(help).toMatch(/--data '\{/);
      expect(help).toContain('`groups`');
    }
  });

  it('the standalone sandbox prints a line per request', async () => {
    const sandbox = spawnCli(['sandbox', '--port', '0', '--seed', 'none'], { cwd: checkout.dir });
    try {
      const [, url] = await sandbox.waitFor(/listening on (http:\/\/\S+)/);
      await fetch(`${url}/users/nobody`, { headers: { authorization: 'Bearer ak_sandbox' } });
      await sandbox.waitFor(/GET \/users\/nobody → 404/);
    } finally {
      sandbox.child.kill('SIGINT');
      await sandbox.exited;
    }
  });
});
