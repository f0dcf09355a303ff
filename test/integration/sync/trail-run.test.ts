// A sync run in the event trail, over a real PostgreSQL and the SQLite trail: one record at the start, replaced at
// the end with how the run ended; every queued command says which sync and kind it came from.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envelope, envelopeOrigin, envelopePrincipal } from '../../../lib/commands/index.ts';
import { DeletionCapError } from '../../../lib/sync/errors.ts';
import { connectPostgres, type Database } from '../../../lib/sync/postgres.ts';
import { parseSyncFile } from '../../../lib/sync/read-sync-file.ts';
import { openSqliteStateStore } from '../../../lib/sync/sqlite-state-store.ts';
import { runSyncRecorded } from '../../../lib/sync/trail-run.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import type { TrailStore } from '../../../lib/trail/store.ts';
import type { SyncRunRecord } from '../../../lib/trail/types.ts';
import { memoryQueue } from '../../helpers/memory-queue.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';

let pgServer: TestPostgres;
let db: Database;
let dir: string;

beforeAll(async () => {
  pgServer = await startPostgres();
  db = await connectPostgres({ url: pgServer.url, label: 'DATABASE_URL' });
  dir = await mkdtemp(join(tmpdir(), 'trail-sync-'));
}, 120_000);
afterAll(async () => {
  await db?.close();
  await pgServer?.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await pgServer.sql(`
    DROP TABLE IF EXISTS people, userflow_bridge_sync_state, userflow_bridge_sync_runs;
    CREATE TABLE people (id text PRIMARY KEY, plan text);
    INSERT INTO people SELECT 'u' || i, 'free' FROM generate_series(1, 20) AS i;
  `);
});

const file = (mode = 'upsert', extra = '') =>
  parseSyncFile(
    'syncs/crm.yaml',
    `connection: DATABASE_URL\nmode: ${mode}\n${extra}\nusers:\n  query: SELECT id, plan FROM people\n`,
  );

let trails = 0;
/** The SQLite trail, with every sync-run write also kept in order (the file keeps only the last per run). */
function recordingTrail() {
  trails += 1;
  const store = openSqliteTrail(join(dir, `trail-${trails}.db`));
  const writes: SyncRunRecord[] = [];
  const trail: TrailStore = {
    ...store,
    putSyncRun: (record) => {
      writes.push(record);
      return store.putSyncRun(record);
    },
  };
  const errors: unknown[] = [];
  return {
    store,
    writes,
    errors,
    recording: { trail, retentionDays: 30, onTrailError: (error: unknown) => errors.push(error) },
  };
}

describe('sync runs in the trail', () => {
  it('writes the run when it starts and again when it completes, with its counts', async () => {
    const { store, writes, recording } = recordingTrail();
    const queue = memoryQueue();
    const state = openSqliteStateStore(':memory:');
    const result = await runSyncRecorded({ file: file(), db, state, queue }, recording);
    await state.close();

    expect(writes.map((w) => w.outcome)).toEqual(['running', 'completed']);
    expect(new Set(writes.map((w) => w.runId)).size).toBe(1);
    const runs = await store.listSyncRuns({ name: 'crm', limit: 10 });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'crm', outcome: 'completed', counts: { read: 20, queued: 20 } });
    expect(runs[0]?.finishedAt).toEqual(expect.any(String));
    expect(runs[0]?.counts).toEqual({ ...result.counts });
    store.close();

    // What delivery will record as each command's origin and principal.
    const envelopes = queue.sent.map((m) => envelope.parse(JSON.parse(m.body)));
    expect(new Set(envelopes.map(envelopeOrigin))).toEqual(new Set(['sync:crm/users']));
    expect(new Set(envelopes.map(envelopePrincipal))).toEqual(new Set(['sync:crm']));
  }, 30_000);

  it('says dry_run for a dry run, refused for a tripped deletion cap, failed for a broken query', async () => {
    const { store, recording } = recordingTrail();
    const state = openSqliteStateStore(':memory:');
    await runSyncRecorded({ file: file(), db, state, dryRun: true }, recording);

    const mirror = file('mirror', 'delete: true');
    await runSyncRecorded({ file: mirror, db, state, queue: memoryQueue() }, recording);
    await pgServer.sql(`DELETE FROM people WHERE id <> 'u1'`);
    await expect(
      runSyncRecorded({ file: mirror, db, state, queue: memoryQueue() }, recording),
    ).rejects.toBeInstanceOf(DeletionCapError);

    await pgServer.sql('DROP TABLE people');
    await expect(
      runSyncRecorded({ file: file(), db, state, queue: memoryQueue() }, recording),
    ).rejects.toThrow();
    await state.close();

    const runs = await store.listSyncRuns({ name: 'crm', limit: 10 });
    expect(runs.map((r) => r.outcome).reverse()).toEqual(['dry_run', 'completed', 'refused', 'failed']);
    const [failed, refused] = runs;
    expect(failed?.error).toEqual(expect.any(String));
    expect(refused?.error).toContain('refusing to remove');
    // The cap is checked before anything is queued: a refused run queued nothing.
    expect(refused?.counts.queued ?? 0).toBe(0);
    store.close();
  }, 30_000);

  it('a trail that is gone leaves the run and its result alone', async () => {
    const { store, errors, recording } = recordingTrail();
    store.close();
    const queue = memoryQueue();
    const state = openSqliteStateStore(':memory:');
    const result = await runSyncRecorded({ file: file(), db, state, queue }, recording);
    await state.close();

    expect(result.counts.queued).toBe(20);
    expect(queue.sent).toHaveLength(20);
    expect(errors).toHaveLength(2);
  }, 30_000);

  it('`sync run` records its runs in the local dir’s trail, a dry run as dry_run', async () => {
    const syncFile = join(dir, 'crm.yaml');
    await writeFile(
      syncFile,
      'connection: DATABASE_URL\nmode: upsert\nusers:\n  query: SELECT id, plan FROM people\n',
    );
    const localDir = join(dir, 'local');
    const cli = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        [join(import.meta.dirname, '../../../bin/userflow-bridge.js'), 'sync', 'run', syncFile, ...args],
        { cwd: dir, env: { ...process.env, DATABASE_URL: pgServer.url } },
      );
    await cli('--dry-run', '--local-dir', localDir);
    await cli('--local-dir', localDir);

    const trail = openSqliteTrail(join(localDir, 'trail.db'));
    const runs = await trail.listSyncRuns({ name: 'crm', limit: 10 }).finally(() => trail.close());
    expect(runs.map((r) => [r.outcome, r.counts.queued])).toEqual([
      ['completed', 20],
      ['dry_run', 0],
    ]);
  }, 60_000);
});
