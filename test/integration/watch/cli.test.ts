// `userflow-bridge watch`: the shipped example against the sandbox's demo data, help, and plain errors for bad input.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../../lib/cli/exit.ts';
import { main } from '../../../lib/cli/main.ts';
import type { RunningSandbox } from '../../../lib/sandbox/index.ts';
import { startSandbox } from '../../helpers/sandbox.ts';

let sandbox: RunningSandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ profile: 'strict' }); // the demo data, as `userflow-bridge sandbox` serves it
  dir = await mkdtemp(join(tmpdir(), 'watch-cli-'));
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  return { out: () => out.join(''), err: () => err.join('') };
}

function sandboxEnv() {
  vi.stubEnv('USERFLOW_API_KEY', sandbox.apiKey);
  vi.stubEnv('USERFLOW_API_URL', sandbox.url);
  vi.stubEnv('LOCAL_DIR', dir);
  vi.stubEnv('SLACK_WEBHOOK_URL', undefined);
}

describe('userflow-bridge watch run', () => {
  it('dry-runs watches/example.yaml against the demo data: Dana, 2/3, stuck at the report', async () => {
    sandboxEnv();
    const io = capture();
    const code = await main(['watch', 'run', 'watches/example.yaml', '--dry-run', '--json']);
    expect([code, io.err()]).toEqual([EXIT.ok, '']);
    const result = JSON.parse(io.out());
    expect(result.dry_run).toBe(true);
    expect(result.alerts.map((a: { user_id: string; status: string }) => [a.user_id, a.status])).toEqual([
      ['demo_dana', 'would_send'],
    ]);
    expect(result.alerts[0].alert).toMatchObject({
      done: 2,
      total: 3,
      next_task: 'Create your first report',
    });
    expect(result.alerts[0].alert.message).toBe(
      'Dana Whitfield has done 2/3 tasks; stuck at “Create your first report”',
    );
  });

  it('says in one plain line which secret is missing, exit 2', async () => {
    sandboxEnv();
    const io = capture();
    expect(await main(['watch', 'run', 'watches/example.yaml'])).toBe(EXIT.usage);
    expect(io.err()).toBe(
      "error: watches/example.yaml: the alert's secret SLACK_WEBHOOK_URL is not set (or use --dry-run)\n(add --help for usage)\n",
    );
  });

  it.each([
    [
      'a field of the wrong form',
      'name: Bad Name\n',
      /^error: .*bad\.yaml: name: must be lower-case letters/,
    ],
    [
      'a duration that is not one',
      'name: w\ncontent: c\nstalled_after: soon\nalert: { slack: S }\n',
      /stalled_after: must be a duration/,
    ],
    [
      'a users pattern with a bare operator',
      'name: w\ncontent: c\nstalled_after: 3d\nusers: { plan: { prefix: ent } }\nalert: { slack: S }\n',
      /users\.plan: "prefix" is an operator/,
    ],
    ['YAML that does not parse', 'name: [\n', /not valid YAML/],
  ])('a bad file (%s) is one plain line, exit 2', async (_what, text, message) => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, text);
    const io = capture();
    expect(await main(['watch', 'run', file])).toBe(EXIT.usage);
    expect(io.err()).toMatch(message);
    expect(io.err().trim().split('\n')).toHaveLength(1);
  });

  it('a file that is not there is a usage error naming it', async () => {
    const io = capture();
    expect(await main(['watch', 'run', join(dir, 'missing.yaml')])).toBe(EXIT.usage);
    expect(io.err()).toMatch(/cannot read .*missing\.yaml: no such file or directory/);
  });

  it('has --help with an example', async () => {
    const io = capture();
    expect(await main(['watch', 'run', '--help'])).toBe(EXIT.ok);
    expect(io.out()).toContain('--dry-run');
    expect(io.out()).toContain('npx userflow-bridge watch run watches/example.yaml --dry-run');
  });
});

describe('userflow-bridge watch status', () => {
  it('says when nothing has been alerted yet', async () => {
    vi.stubEnv('LOCAL_DIR', join(dir, 'empty'));
    const io = capture();
    expect(await main(['watch', 'status'])).toBe(EXIT.ok);
    expect(io.out()).toBe('no alerts recorded yet\n');
  });
});
