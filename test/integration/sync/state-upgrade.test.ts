// State written by the previous version (other row hashes, no gone marks, no ordered index): the first run after
// the upgrade sends nothing that did not change, rewrites the hashes, and mirror removals work again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envelope } from '../../../lib/commands/index.ts';
import { openSqliteDatabase } from '../../../lib/sqlite/sqlite-db.ts';
import { connectPostgres, type Database } from '../../../lib/sync/postgres.ts';
import { openPostgresStateStore } from '../../../lib/sync/postgres-state-store.ts';
import { parseSyncFile } from '../../../lib/sync/read-sync-file.ts';
import { runSync } from '../../../lib/sync/run-sync.ts';
import { openSqliteStateStore } from '../../../lib/sync/sqlite-state-store.ts';
import type { SyncStateStore } from '../../../lib/sync/state-store.ts';
import { memoryQueue } from '../../helpers/memory-queue.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';

let pgServer: TestPostgres;
let db: Database;
let dir: string;

beforeAll(async () => {
  pgServer = await startPostgres();
  db = await connectPostgres({ url: pgServer.url, label: 'DATABASE_URL' });
  dir = mkdtempSync(join(tmpdir(), 'ufb-sync-upgrade-'));
}, 120_000);
afterAll(async () => {
  await db?.close();
  await pgServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await pgServer.sql(`
    DROP TABLE IF EXISTS people, members, userflow_bridge_sync_state, userflow_bridge_sync_runs;
    CREATE TABLE people (id text PRIMARY KEY, plan text);
    CREATE TABLE members (user_id text, group_id text);
    INSERT INTO people SELECT 'u' || i, 'free' FROM generate_series(1, 30) AS i;
    INSERT INTO members SELECT 'u' || i, 'g1' FROM generate_series(1, 30) AS i;
  `);
});

const file = parseSyncFile(
  'syncs/app.yaml',
  `connection: DATABASE_URL
mode: mirror
users:
  query: SELECT id, plan FROM people
memberships:
  query: SELECT user_id, group_id FROM members
`,
);
const ENTITIES = 60;

/** Runs on a store, turns its state into what the previous version left, and runs again on a fresh store. */
async function upgradeScenario(open: () => Promise<SyncStateStore>, downgrade: () => Promise<void>) {
  const before = await open();
  await runSync({ file, db, state: before, queue: memoryQueue() });
  await before.close();
  await downgrade();

  const state = await open();
  try {
    const queue = memoryQueue();
    const upgraded = await runSync({ file, db, state, queue });
    expect(queue.sent).toEqual([]);
    expect(upgraded.counts).toMatchObject({ unchanged: ENTITIES, created: 0, updated: 0 });

    await pgServer.sql(
      `UPDATE people SET plan = 'pro' WHERE id = 'u3'; DELETE FROM members WHERE user_id = 'u4'`,
    );
    const next = memoryQueue();
    await runSync({ file, db, state, queue: next });
    expect(next.sent.map((m) => envelope.parse(JSON.parse(m.body)).command)).toEqual([
      { type: 'upsert_user', user_id: 'u3', attributes: { plan: 'pro' } },
      { type: 'remove_membership', user_id: 'u4', group_id: 'g1' },
    ]);
  } finally {
    await state.close();
  }
}

describe('state from the previous version', () => {
  it('SQLite: adds the gone mark column and replaces the old hashes without sending anything', async () => {
    const path = join(dir, 'state.db');
    await upgradeScenario(
      async () => openSqliteStateStore(path),
      async () => {
        const raw = openSqliteDatabase(path);
        raw.exec(`
          CREATE TABLE old_state (
            sync TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
            hash TEXT NOT NULL, attributes TEXT NOT NULL, seen_run INTEGER NOT NULL,
            PRIMARY KEY (sync, kind, key)
          ) WITHOUT ROWID;
          INSERT INTO old_state SELECT sync, kind, key, substr('old' || hash, 1, 16), attributes, seen_run FROM sync_state;
          DROP TABLE sync_state;
          ALTER TABLE old_state RENAME TO sync_state;
        `);
        raw.close();
      },
    );
    const raw = openSqliteDatabase(path);
    const hashes = raw.prepare('SELECT hash FROM sync_state').pluck().all() as string[];
    raw.close();
    expect(hashes.filter((h) => h.startsWith('old'))).toEqual([]);
  });

  it('PostgreSQL: adds the gone mark column and the indexes, and replaces the old hashes', async () => {
    await upgradeScenario(
      async () => openPostgresStateStore(await connectPostgres({ url: pgServer.url, label: 'DATABASE_URL' })),
      async () => {
        await pgServer.sql(`
          ALTER TABLE userflow_bridge_sync_state DROP COLUMN gone_run;
          DROP INDEX userflow_bridge_sync_state_c_order;
          UPDATE userflow_bridge_sync_state SET hash = substr('old' || hash, 1, 16);
        `);
      },
    );
    const { rows } = await pgServer.sql(`
      SELECT (SELECT count(*) FROM userflow_bridge_sync_state WHERE hash LIKE 'old%')::int AS old,
             to_regclass('userflow_bridge_sync_state_c_order') IS NOT NULL AS ordered,
             to_regclass('userflow_bridge_sync_state_gone') IS NOT NULL AS gone`);
    expect(rows).toEqual([{ old: 0, ordered: true, gone: true }]);
  });
});
