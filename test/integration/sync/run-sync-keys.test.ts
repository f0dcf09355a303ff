// Keys where orders part ways (case, accents, characters above U+FFFF, numbers as text, membership user ids that
// prefix one another): PostgreSQL's sort, each state store's scan and the merge must agree on every one, or a
// present entity would look vanished. Run over all three stores against a real PostgreSQL.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envelope } from '../../../lib/commands/index.ts';
import { openDynamoDbStateStore, SYNC_STATE_TABLE_SCHEMA } from '../../../lib/sync/dynamodb-state-store.ts';
import { membershipKey } from '../../../lib/sync/entity.ts';
import { compareKeys } from '../../../lib/sync/key-order.ts';
import { connectPostgres, type Database } from '../../../lib/sync/postgres.ts';
import { openPostgresStateStore } from '../../../lib/sync/postgres-state-store.ts';
import { parseSyncFile } from '../../../lib/sync/read-sync-file.ts';
import { runSync } from '../../../lib/sync/run-sync.ts';
import { openSqliteStateStore } from '../../../lib/sync/sqlite-state-store.ts';
import type { ScannedEntry, SyncStateStore } from '../../../lib/sync/state-store.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../../helpers/dynamodb-emulator.ts';
import { memoryQueue } from '../../helpers/memory-queue.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';

const USER_IDS = [
  'a',
  'A',
  'b',
  'B',
  'é',
  'É',
  'e',
  'z',
  '\ue000',
  '\uffff',
  '😀',
  '𝟘',
  'user 1',
  'user-1',
  'user_1',
  'u1',
  'u10',
  'u1 ',
  'u',
  '10',
  '9',
];
// User ids that are prefixes of one another, with group ids that would sort the other way.
const MEMBERSHIPS: [string, string][] = [
  ['u1', 'z'],
  ['u1', 'a'],
  ['u10', 'a'],
  ['u1 ', 'a'],
  ['u', 'zz'],
  ['😀', 'a'],
  ['\uffff', 'a'],
];

let pgServer: TestPostgres;
let db: Database;
let ddb: DynamoDbEmulator;
let doc: DynamoDBDocumentClient;
let tables = 0;

beforeAll(async () => {
  [pgServer, ddb] = await Promise.all([startPostgres(), startDynamoDbEmulator()]);
  db = await connectPostgres({ url: pgServer.url, label: 'DATABASE_URL' });
  doc = DynamoDBDocumentClient.from(ddb.client);
}, 120_000);
afterAll(async () => {
  await db?.close();
  await Promise.all([pgServer?.stop(), ddb?.close()]);
});

beforeEach(async () => {
  await pgServer.sql(`
    DROP TABLE IF EXISTS people, accounts, members, userflow_bridge_sync_state, userflow_bridge_sync_runs;
    -- Collations that sort otherwise than bytes, one of them even equating 'a' and 'A': the sync must not care.
    DROP COLLATION IF EXISTS case_blind;
    CREATE COLLATION case_blind (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    CREATE TABLE people (id text COLLATE case_blind, plan text);
    CREATE TABLE accounts (id int PRIMARY KEY, name text);
    CREATE TABLE members (user_id text COLLATE "und-x-icu", group_id text COLLATE "und-x-icu", role text);
    INSERT INTO accounts SELECT i, 'Account ' || i FROM generate_series(1, 12) AS i;
  `);
  for (const id of USER_IDS) await pgServer.sql('INSERT INTO people VALUES ($1, $2)', [id, 'free']);
  for (const [u, g] of MEMBERSHIPS)
    await pgServer.sql(`INSERT INTO members VALUES ($1, $2, 'member')`, [u, g]);
});

const openStores: SyncStateStore[] = [];
afterEach(async () => {
  await Promise.all(openStores.splice(0).map((s) => s.close()));
});
const track = (store: SyncStateStore) => {
  openStores.push(store);
  return store;
};

const file = (mode = 'mirror') =>
  parseSyncFile(
    'syncs/keys.yaml',
    `
connection: DATABASE_URL
mode: ${mode}
delete: ${mode === 'mirror'}
max_delete_ratio: 0.5
users:
  query: SELECT id, plan FROM people
groups:
  query: SELECT id, name FROM accounts
memberships:
  query: SELECT user_id, group_id, role FROM members
batch_size: 4
`,
  );

const commandsOf = (sent: { body: string }[]) => sent.map((m) => envelope.parse(JSON.parse(m.body)).command);

describe.each([
  ['sqlite', async () => track(openSqliteStateStore(':memory:'))],
  [
    'postgres',
    async () =>
      track(
        await openPostgresStateStore(await connectPostgres({ url: pgServer.url, label: 'DATABASE_URL' })),
      ),
  ],
  [
    'dynamodb',
    async () => {
      tables += 1;
      await ddb.createTable(`keys-${tables}`, SYNC_STATE_TABLE_SCHEMA);
      return track(openDynamoDbStateStore({ tableName: `keys-${tables}`, client: doc }));
    },
  ],
])('awkward keys with %s state', (_name, openState: () => Promise<SyncStateStore>) => {
  it('scans stored keys back in code point order, in small pages', async () => {
    const state = await openState();
    const keys = [...USER_IDS, ...MEMBERSHIPS.map(([u, g]) => membershipKey(u, g))];
    await state
      .entities('app', 'users')
      .commit(1, { changed: keys.map((key) => ({ key, state: { hash: 'h', attributes: {} } })), gone: [] });
    const scanned: string[] = [];
    for (let after = ''; ; ) {
      const page: ScannedEntry[] = await state.entities('app', 'users').scan(after, 3);
      scanned.push(...page.map((e) => e.key));
      if (page.length < 3) break;
      after = (page.at(-1) as ScannedEntry).key;
    }
    expect(scanned).toEqual([...keys].sort(compareKeys));
  });

  it('matches every row to its stored entity: nothing queued again, then exactly the one change and removal', async () => {
    const state = await openState();
    const first = memoryQueue();
    const created = await runSync({ file: file(), db, state, queue: first });
    expect(created.byKind).toEqual({
      users: { created: USER_IDS.length, updated: 0, removed: 0 },
      groups: { created: 12, updated: 0, removed: 0 },
      memberships: { created: MEMBERSHIPS.length, updated: 0, removed: 0 },
    });
    const ids = commandsOf(first.sent).flatMap((c) => (c.type === 'upsert_user' ? [c.user_id] : []));
    expect(ids.sort()).toEqual([...USER_IDS].sort());

    const idle = memoryQueue();
    const again = await runSync({ file: file(), db, state, queue: idle });
    expect(idle.sent).toEqual([]);
    expect(again.counts.unchanged).toBe(USER_IDS.length + 12 + MEMBERSHIPS.length);

    await pgServer.sql(`UPDATE people SET plan = 'pro' WHERE id = '😀' COLLATE "C"`);
    await pgServer.sql(`DELETE FROM people WHERE id = 'É' COLLATE "C"`);
    await pgServer.sql(`DELETE FROM accounts WHERE id = 10`);
    await pgServer.sql(`DELETE FROM members WHERE user_id = 'u1' AND group_id = 'a'`);
    const queue = memoryQueue();
    await runSync({ file: file(), db, state, queue });
    expect(commandsOf(queue.sent)).toEqual(
      expect.arrayContaining([
        { type: 'upsert_user', user_id: '😀', attributes: { plan: 'pro' } },
        { type: 'remove_membership', user_id: 'u1', group_id: 'a' },
        { type: 'delete_user', user_id: 'É' },
        { type: 'delete_group', group_id: '10' },
      ]),
    );
    expect(queue.sent).toHaveLength(4);
  });

  it('skips rows with a NULL or empty key, and keeps one row of a key returned twice, the same one every run', async () => {
    await pgServer.sql(`INSERT INTO people VALUES (NULL, 'free'), ('', 'free'), ('b', 'pro'), ('b', 'team')`);
    const state = await openState();
    const first = await runSync({ file: file('upsert'), db, state, queue: memoryQueue() });
    // 'b' three times: two skipped; NULL and '': skipped.
    expect(first.counts).toMatchObject({ skipped: 4, created: USER_IDS.length + 12 + MEMBERSHIPS.length });
    for (let i = 0; i < 2; i++) {
      const queue = memoryQueue();
      const again = await runSync({ file: file('upsert'), db, state, queue });
      expect(queue.sent).toEqual([]);
      expect(again.counts.skipped).toBe(4);
    }
  });
});
