// The README's database sync quick-start, run exactly as written (in a scratch checkout): `dev-db` in one
// terminal, the rest in another, with nothing but what `npm ci` installs.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPO_ROOT, runCli, scratchCheckout } from '../helpers/spawn-cli.ts';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Database sync quick-start'));
const block = (section.match(/```sh\n([\s\S]*?)```/) as RegExpMatchArray)[1] as string;
const commands = block.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
const [devDb, ...secondTerminal] = commands as [string, ...string[]];

const checkout = scratchCheckout();
cpSync(join(REPO_ROOT, 'syncs'), join(checkout.dir, 'syncs'), { recursive: true });
// `npx userflow-bridge` finds the command in the project's node_modules/.bin, as in a clone after `npm ci`.
mkdirSync(join(checkout.dir, 'node_modules', '.bin'), { recursive: true });
symlinkSync(
  join(REPO_ROOT, 'bin', 'userflow-bridge.js'),
  join(checkout.dir, 'node_modules', '.bin', 'userflow-bridge'),
);

function shell(script: string): ChildProcess & { output: () => string } {
  let output = '';
  const child = spawn('sh', ['-c', script], {
    cwd: checkout.dir,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C goes to the whole command, as a terminal sends it.
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr])
    stream?.setEncoding('utf8').on('data', (c) => (output += c));
  return Object.assign(child, { output: () => output });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

let db: ReturnType<typeof shell> | undefined;
afterAll(async () => {
  if (db && db.exitCode === null && db.signalCode === null && db.pid) {
    process.kill(-db.pid, 'SIGINT');
    await exited(db);
  }
  checkout.remove();
});

describe('README database sync quick-start', () => {
  it('has the two terminals the text describes', () => {
    expect(devDb).toBe('npx userflow-bridge dev-db');
    expect(secondTerminal[0]).toMatch(/^export DATABASE_URL=postgres:\/\//);
  });

  it('runs as written: dev-db, a dry run, a real run and the status, then Ctrl-C deletes the database', async () => {
    db = shell(devDb);
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dev-db printed no URL:\n${db?.output()}`)), 90_000);
      db?.stdout?.on('data', () => {
        const match = db?.output().match(/^DATABASE_URL=(\S+)$/m);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
      db?.once('exit', () => reject(new Error(`dev-db exited:\n${db?.output()}`)));
    });
    // The URL the README exports is the one dev-db prints.
    expect(secondTerminal[0]).toBe(`export DATABASE_URL=${url}`);

    // Markers between the commands, to tell their outputs apart; the commands themselves run as written.
    const script = ['set -e', ...secondTerminal.flatMap((line, i) => [line, `echo "--- ${i}"`])].join('\n');
    const terminal = shell(script);
    const code = await exited(terminal);
    const outputs = terminal.output().split(/^--- \d+$/m);
    expect(code, terminal.output()).toBe(0);
    const [, dryRun, run, status] = outputs as string[];
    expect(dryRun).toContain('dry run of example (mirror)');
    expect(dryRun).toContain(
      'users user_1 created {"email":"katherine@acme.test","name":"Katherine Johnson"',
    );
    // 2 groups and 3 users queued; the 3 memberships travel inside their users' upserts.
    expect(run).toMatch(
      /synced example \(mirror\) in [\d.]+ s — run #\d+\n {2}8 rows read · 0 unchanged · 8 changed · 5 queued/,
    );
    expect(status).toMatch(/^#\d+ {2}example {2}.* {2}succeeded {2}/m);
    expect(status).toMatch(/^dry run {2}example {2}/m);
    expect(existsSync(join(checkout.dir, '.local', 'sync-state.db'))).toBe(true);

    const dataDir = (db.output().match(/^data: (\S+)$/m) as RegExpMatchArray)[1] as string;
    expect(existsSync(dataDir)).toBe(true);
    process.kill(-(db.pid as number), 'SIGINT');
    await exited(db);
    expect(db.output()).toContain('stopping PostgreSQL and deleting its data');
    expect(existsSync(dataDir)).toBe(false);
  }, 180_000);
});

describe('dev-db usage errors', () => {
  it('a missing SQL file or a taken port is one plain line and exit 2, before any server starts', async () => {
    const missing = await runCli(['dev-db', '--sql', 'nope.sql'], { cwd: checkout.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: .*nope\.sql/);
    expect(missing.stderr).not.toContain('    at ');

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const busy = await runCli(['dev-db', '--port', String(port)], { cwd: checkout.dir });
    taken.close();
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`error: 127.0.0.1:${port} is already in use: pass --port N`);
  });
});
