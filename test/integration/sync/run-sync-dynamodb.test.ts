// runSync's scenarios with the DynamoDB state store (dynalite) and a real PostgreSQL: the AWS combination.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envelope } from '../../../lib/commands/index.ts';
import { openDynamoDbStateStore, SYNC_STATE_TABLE_SCHEMA } from '../../../lib/sync/dynamodb-state-store.ts';
import { DeletionCapError } from '../../../lib/sync/errors.ts';
import { connectPostgres, type Database } from '../../../lib/sync/postgres.ts';
import { parseSyncFile } from '../../../lib/sync/read-sync-file.ts';
import { runSync } from '../../../lib/sync/run-sync.ts';
import type { SyncStateStore } from '../../../lib/sync/state-store.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../../helpers/dynamodb-emulator.ts';
import { memoryQueue } from '../../helpers/memory-queue.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';

// Fewer rows than the SQLite/PostgreSQL contract tests: dynalite takes about a millisecond per item.
const USERS = 100;
const GROUPS = 10;
/** Every user, every group, and one membership per user. */
const EVERYTHING = USERS + GROUPS + USERS;
/** Every group, and every user's upsert with its one membership folded in. */
const CALLS = GROUPS + USERS;

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
    DROP TABLE IF EXISTS members, accounts, people;
    CREATE TABLE people (id text PRIMARY KEY, email text, plan text, seats int, signed_up timestamptz, tags text[]);
    CREATE TABLE accounts (id text PRIMARY KEY, name text);
    CREATE TABLE members (user_id text, group_id text, role text, PRIMARY KEY (user_id, group_id));
    INSERT INTO people SELECT 'u' || i, 'u' || i || '@example.com', 'free', i, '2026-01-01T00:00:00Z'::timestamptz, ARRAY['a']
      FROM generate_series(1, ${USERS}) AS i;
    INSERT INTO accounts SELECT 'g' || i, 'Account ' || i FROM generate_series(1, ${GROUPS}) AS i;
    INSERT INTO members SELECT 'u' || i, 'g' || (i % ${GROUPS} + 1), 'member' FROM generate_series(1, ${USERS}) AS i;
  `);
});

const yaml = (mode = 'upsert', extra = '') => `
connection: DATABASE_URL
mode: ${mode}
${extra}
users:
  query: SELECT id, email, plan, seats, signed_up, tags FROM people
  columns:
    signed_up: { rename: signed_up_at, type: datetime }
groups:
  query: SELECT id, name FROM accounts
memberships:
  query: SELECT user_id, group_id, role FROM members
batch_size: 50
`;

function parsed(mode?: string, extra?: string) {
  return parseSyncFile('syncs/app.yaml', yaml(mode, extra));
}

const commandsOf = (sent: { body: string }[]) => sent.map((m) => envelope.parse(JSON.parse(m.body)).command);

const openStores: SyncStateStore[] = [];
afterEach(async () => {
  await Promise.all(openStores.splice(0).map((s) => s.close()));
});

/** A store on a fresh table: each scenario starts with no state. */
async function openState(): Promise<SyncStateStore> {
  tables += 1;
  const tableName = `run-sync-${tables}`;
  await ddb.createTable(tableName, SYNC_STATE_TABLE_SCHEMA);
  const store = openDynamoDbStateStore({ tableName, client: doc });
  openStores.push(store);
  return store;
}

describe('runSync with DynamoDB state', () => {
  it('queues every entity on the first run, then nothing when nothing changed', async () => {
    const state = await openState();
    const queue = memoryQueue();
    const first = await runSync({ file: parsed(), db, state, queue });
    expect(first.byKind).toEqual({
      groups: { created: GROUPS, updated: 0, removed: 0 },
      users: { created: USERS, updated: 0, removed: 0 },
      memberships: { created: USERS, updated: 0, removed: 0 },
    });
    expect(queue.sent).toHaveLength(CALLS);
    const user = commandsOf(queue.sent).find((c) => c.type === 'upsert_user' && c.user_id === 'u7');
    expect(user).toEqual({
      type: 'upsert_user',
      user_id: 'u7',
      attributes: {
        email: 'u7@example.com',
        plan: 'free',
        seats: 7,
        signed_up_at: '2026-01-01T00:00:00.000Z',
        tags: ['a'],
      },
      memberships: [{ attributes: { role: 'member' }, group: { id: `g${(7 % GROUPS) + 1}` } }],
    });

    const again = memoryQueue();
    const second = await runSync({ file: parsed(), db, state, queue: again });
    expect(again.sent).toHaveLength(0);
    expect(second.counts).toMatchObject({ read: EVERYTHING, unchanged: EVERYTHING, created: 0, updated: 0 });
  });

  it('queues only the changed attributes of changed rows', async () => {
    const state = await openState();
    await runSync({ file: parsed(), db, state, queue: memoryQueue() });
    await pgServer.sql(`UPDATE people SET plan = 'pro' WHERE id IN ('u1', 'u2', 'u3')`);
    await pgServer.sql(`UPDATE people SET seats = 99, tags = ARRAY['a', 'b'] WHERE id = 'u4'`);
    const queue = memoryQueue();
    await runSync({ file: parsed(), db, state, queue });
    expect(commandsOf(queue.sent)).toEqual(
      expect.arrayContaining([
        { type: 'upsert_user', user_id: 'u1', attributes: { plan: 'pro' } },
        { type: 'upsert_user', user_id: 'u4', attributes: { seats: 99, tags: ['a', 'b'] } },
      ]),
    );
    expect(queue.sent).toHaveLength(4);
  });

  it('removes a vanished membership in mirror mode but not in upsert mode', async () => {
    for (const [mode, expected] of [
      ['upsert', 0],
      ['mirror', 1],
    ] as const) {
      const state = await openState();
      await pgServer.sql(`INSERT INTO members VALUES ('u1', 'g9', 'admin') ON CONFLICT DO NOTHING`);
      await runSync({ file: parsed(mode), db, state, queue: memoryQueue() });
      await pgServer.sql(`DELETE FROM members WHERE user_id = 'u1' AND group_id = 'g9'`);
      const queue = memoryQueue();
      await runSync({ file: parsed(mode), db, state, queue });
      const removals = commandsOf(queue.sent).filter((c) => c.type === 'remove_membership');
      expect(removals).toHaveLength(expected);
      if (expected) expect(removals[0]).toEqual({ type: 'remove_membership', user_id: 'u1', group_id: 'g9' });
    }
  });

  it('refuses deletions over the safety cap and queues none of them', async () => {
    const state = await openState();
    const file = parsed('mirror', 'delete: true');
    await runSync({ file, db, state, queue: memoryQueue() });
    await pgServer.sql(`DELETE FROM members WHERE user_id IN (SELECT id FROM people WHERE seats <= 20)`);
    await pgServer.sql(`DELETE FROM people WHERE seats <= 20`);
    const queue = memoryQueue();
    await expect(runSync({ file, db, state, queue })).rejects.toBeInstanceOf(DeletionCapError);
    expect(
      commandsOf(queue.sent).filter((c) => c.type === 'delete_user' || c.type === 'remove_membership'),
    ).toEqual([]);
    const [last] = await state.runs({ sync: 'app', limit: 1 });
    expect(last).toMatchObject({ status: 'failed', error: expect.stringContaining('max_delete.ratio') });
  });

  it('deletes a vanished user under the cap when delete is on', async () => {
    const state = await openState();
    const file = parsed('mirror', 'delete: true');
    await runSync({ file, db, state, queue: memoryQueue() });
    await pgServer.sql(`DELETE FROM members WHERE user_id = 'u5'; DELETE FROM people WHERE id = 'u5'`);
    const queue = memoryQueue();
    await runSync({ file, db, state, queue });
    expect(commandsOf(queue.sent)).toEqual([
      { type: 'remove_membership', user_id: 'u5', group_id: 'g6' },
      { type: 'delete_user', user_id: 'u5' },
    ]);
  });

  it('re-sends, never skips, when the queue fails before the state is committed', async () => {
    const state = await openState();
    const queue = memoryQueue();
    queue.failNextSend(3);
    await expect(runSync({ file: parsed(), db, state, queue })).rejects.toThrow('queue unavailable');
    const retry = memoryQueue();
    await runSync({ file: parsed(), db, state, queue: retry });
    expect(retry.sent).toHaveLength(CALLS);
    // The three accepted before the outage are sent again with the same ids, so FIFO dedupe drops them.
    expect(retry.sent.slice(0, 3).map((m) => m.dedupeId)).toEqual(queue.sent.map((m) => m.dedupeId));
  });

  it('marks update-only commands so delivery never creates users', async () => {
    const state = await openState();
    const queue = memoryQueue();
    await runSync({ file: parsed('update-only'), db, state, queue });
    expect(commandsOf(queue.sent).every((c) => 'only_if_exists' in c && c.only_if_exists === true)).toBe(
      true,
    );
  });

  it('dry run queues nothing and commits no fingerprints', async () => {
    const state = await openState();
    const dry = await runSync({ file: parsed(), db, state, dryRun: true });
    expect(dry.byKind.users.created).toBe(USERS);
    expect(dry.samples.filter((s) => s.kind === 'users')).toHaveLength(5);
    const queue = memoryQueue();
    await runSync({ file: parsed(), db, state, queue });
    expect(queue.sent).toHaveLength(CALLS);
  });

  it('records each run, and a mirror run that removed nothing marks nothing gone', async () => {
    const state = await openState();
    const file = parsed('mirror', 'delete: true');
    const first = await runSync({ file, db, state, queue: memoryQueue() });
    const second = await runSync({ file, db, state, queue: memoryQueue() });
    expect(second.runId).toBeGreaterThan(first.runId);
    for (const kind of ['users', 'groups', 'memberships'] as const) {
      for await (const batch of state.entities('app', kind).gone(second.runId, 100))
        expect(batch).toEqual([]);
    }
    expect(await state.entities('app', 'memberships').count()).toBe(USERS);
    const runs = await state.runs({ sync: 'app', limit: 5 });
    expect(runs.map((r) => [r.id, r.status, r.counts.read])).toEqual([
      [second.runId, 'succeeded', EVERYTHING],
      [first.runId, 'succeeded', EVERYTHING],
    ]);
  });
});
