// Direct writes through `userflow-bridge userflow …`, as a user runs them: each is recorded in the trail with
// principal `cli:<os user>` and origin `cli`, in `<local-dir>/trail.db` or the `--trail` given; reads are not.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../../lib/sandbox/index.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import type { AttemptRecord } from '../../../lib/trail/types.ts';
import { startSandbox } from '../../helpers/sandbox.ts';
import { cleanEnv } from '../../helpers/spawn-cli.ts';

const BIN = join(import.meta.dirname, '../../../bin/userflow-bridge.js');
const PRINCIPAL = `cli:${userInfo().username}`;

let sandbox: RunningSandbox;
let cwd: string;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'none' });
  cwd = await mkdtemp(join(tmpdir(), 'trail-cli-'));
});
afterAll(async () => {
  await sandbox?.close();
  await rm(cwd, { recursive: true, force: true });
});

const cli = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'userflow', ...args],
      {
        cwd,
        env: cleanEnv({ USERFLOW_API_KEY: sandbox.apiKey, USERFLOW_API_URL: sandbox.url }),
        timeout: 20_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

async function attempts(path: string): Promise<AttemptRecord[]> {
  const trail = openSqliteTrail(path);
  try {
    return await trail.listAttempts({ principal: PRINCIPAL, limit: 50 });
  } finally {
    trail.close();
  }
}

describe('direct calls in the trail', () => {
  it('records a write in the local trail by default, with who made it and what was sent, and not a read', async () => {
    const body = { id: 'ada', attributes: { plan: 'trial' }, groups: [{ id: 'acme' }] };
    const write = await cli(['create-or-update-user', '--data', JSON.stringify(body)]);
    expect(write.code, write.stderr).toBe(0);
    const read = await cli(['get-user', 'ada']);
    expect(read.code, read.stderr).toBe(0);

    const recorded = await attempts(join(cwd, '.local', 'trail.db'));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      action: 'createOrUpdateUser',
      attempt: 1,
      status: 200,
      outcome: 'delivered',
      userId: 'ada',
      groupId: 'acme',
      principal: PRINCIPAL,
      origin: 'cli',
      request: body,
    });
    // The key the CLI authenticated with is in no record.
    expect(JSON.stringify(recorded)).not.toContain(sandbox.apiKey);
  }, 30_000);

  it('records into --trail, a failed write too, with Userflow’s status and code', async () => {
    const path = join(cwd, 'elsewhere.db');
    const [removed, rejected] = await Promise.all([
      cli(['remove-membership', 'grace', 'acme', '--trail', path]),
      cli([
        'create-or-update-user',
        '--trail',
        path,
        '--data',
        '{"id":"bad","attributes":{"n":{"add":"x"}}}',
      ]),
    ]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(rejected.code).toBe(1);

    const recorded = await attempts(path);
    const byAction = Object.fromEntries(recorded.map((a) => [a.action, a]));
    expect(byAction.removeMembership).toMatchObject({
      outcome: 'delivered',
      userId: 'grace',
      groupId: 'acme',
      request: { user_id: 'grace', group_id: 'acme' },
    });
    expect(byAction.createOrUpdateUser).toMatchObject({ outcome: 'failed', status: 400, userId: 'bad' });
    expect(byAction.createOrUpdateUser?.userflowCode).toEqual(expect.any(String));
  }, 30_000);
});
