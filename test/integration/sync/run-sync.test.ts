import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envelope } from '../../../lib/commands/index.ts';
import { DeletionCapError, SyncError } from '../../../lib/sync/errors.ts';
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

beforeAll(async () => {
  pgServer = await startPostgres();
  db = await connectPostgres({ url: pgServer.url, label: 'DATABASE_URL' });
}, 120_000);
afterAll(async () => {
  await db?.close();
  await pgServer?.stop();
});

beforeEach(async () => {
  await pgServer.sql(`
    DROP TABLE IF EXISTS members, accounts, people, userflow_bridge_sync_state, userflow_bridge_sync_runs;
    CREATE TABLE people (id text PRIMARY KEY, email text, plan text, seats int, signed_up timestamptz, tags text[]);
    CREATE TABLE accounts (id text PRIMARY KEY, name text);
    CREATE TABLE members (user_id text, group_id text, role text, PRIMARY KEY (user_id, group_id));
    INSERT INTO people SELECT 'u' || i, 'u' || i || '@example.com', 'free', i, '2026-01-01T00:00:00Z'::timestamptz, ARRAY['a']
      FROM generate_series(1, 200) AS i;
    INSERT INTO accounts SELECT 'g' || i, 'Account ' || i FROM generate_series(1, 10) AS i;
    INSERT INTO members SELECT 'u' || i, 'g' || (i % 10 + 1), 'member' FROM generate_series(1, 200) AS i;
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
const track = (store: SyncStateStore) => {
  openStores.push(store);
  return store;
};

describe.each([
  ['sqlite', async () => track(openSqliteStateStore(':memory:'))],
  [
    'postgres',
    async () =>
      track(
        await openPostgresStateStore(await connectPostgres({ url: pgServer.url, label: 'DATABASE_URL' })),
      ),
  ],
])('runSync with %s state', (_name, openState: () => Promise<SyncStateStore>) => {
  it('queues every entity on the first run, then nothing when nothing changed', async () => {
    const state = await openState();
    const queue = memoryQueue();
    const first = await runSync({ file: parsed(), db, state, queue });
    expect(first.byKind).toEqual({
      groups: { created: 10, updated: 0, removed: 0 },
      users: { created: 200, updated: 0, removed: 0 },
      memberships: { created: 200, updated: 0, removed: 0 },
    });
    // Ten groups, then each user's upsert with its membership folded in.
    expect(queue.sent).toHaveLength(210);
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
      memberships: [{ attributes: { role: 'member' }, group: { id: 'g8' } }],
    });

    const again = memoryQueue();
    const second = await runSync({ file: parsed(), db, state, queue: again });
    expect(again.sent).toHaveLength(0);
    expect(second.counts).toMatchObject({ read: 410, unchanged: 410, created: 0, updated: 0 });
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
    expect(retry.sent).toHaveLength(210);
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
    expect(dry.byKind.users.created).toBe(200);
    expect(dry.samples.filter((s) => s.kind === 'users')).toHaveLength(5);
    const queue = memoryQueue();
    await runSync({ file: parsed(), db, state, queue });
    expect(queue.sent).toHaveLength(210);
  });

  it('sends one call per membership when fold_memberships is off', async () => {
    const state = await openState();
    const queue = memoryQueue();
    await runSync({ file: parsed('upsert', 'fold_memberships: false'), db, state, queue });
    expect(queue.sent).toHaveLength(410);
    expect(commandsOf(queue.sent).filter((c) => c.type === 'add_membership' && c.user_id === 'u7')).toEqual([
      { type: 'add_membership', user_id: 'u7', group_id: 'g8', membership_attributes: { role: 'member' } },
    ]);
  });

  it("folds a user's changed memberships into one upsert, with or without a change of the user", async () => {
    const state = await openState();
    await runSync({ file: parsed(), db, state, queue: memoryQueue() });
    await pgServer.sql(`
      INSERT INTO members VALUES ('u1', 'g5', 'admin'), ('u1', 'g7', 'owner'), ('u2', 'g6', 'admin');
      UPDATE members SET role = 'admin' WHERE user_id = 'u3';
      UPDATE people SET plan = 'pro' WHERE id = 'u2';
      INSERT INTO members VALUES ('u999', 'g1', 'guest');
    `);
    const queue = memoryQueue();
    const result = await runSync({ file: parsed(), db, state, queue });
    expect(result.byKind.memberships).toEqual({ created: 4, updated: 1, removed: 0 });
    // One call per user, in user order (u999 has no users row: its membership still goes, on its own).
    expect(commandsOf(queue.sent)).toEqual([
      {
        type: 'upsert_user',
        user_id: 'u1',
        memberships: [
          { attributes: { role: 'admin' }, group: { id: 'g5' } },
          { attributes: { role: 'owner' }, group: { id: 'g7' } },
        ],
      },
      {
        type: 'upsert_user',
        user_id: 'u2',
        attributes: { plan: 'pro' },
        memberships: [{ attributes: { role: 'admin' }, group: { id: 'g6' } }],
      },
      {
        type: 'upsert_user',
        user_id: 'u3',
        memberships: [{ attributes: { role: 'admin' }, group: { id: 'g4' } }],
      },
      {
        type: 'upsert_user',
        user_id: 'u999',
        memberships: [{ attributes: { role: 'guest' }, group: { id: 'g1' } }],
      },
    ]);
    const again = memoryQueue();
    await runSync({ file: parsed(), db, state, queue: again });
    expect(again.sent).toHaveLength(0);
  });

  it('splits a user with more memberships than one upsert carries', async () => {
    const state = await openState();
    await pgServer.sql(`
      INSERT INTO accounts SELECT 'x' || i, 'Extra ' || i FROM generate_series(1, 150) AS i;
      INSERT INTO members SELECT 'u1', 'x' || i, 'member' FROM generate_series(1, 150) AS i;
    `);
    const queue = memoryQueue();
    await runSync({ file: parsed(), db, state, queue });
    const u1 = commandsOf(queue.sent).filter((c) => c.type === 'upsert_user' && c.user_id === 'u1');
    expect(u1.map((c) => (c.type === 'upsert_user' ? c.memberships?.length : 0))).toEqual([100, 51]);
    expect(u1.map((c) => c.type === 'upsert_user' && c.attributes !== undefined)).toEqual([true, false]);
    expect(new Set(queue.sent.map((m) => m.dedupeId)).size).toBe(queue.sent.length);
  });
});

describe('runSync errors', () => {
  it('names the file and the query on bad SQL', async () => {
    const file = parseSyncFile(
      'syncs/bad.yaml',
      'connection: DATABASE_URL\nusers:\n  query: SELECT id FROM nowhere\n',
    );
    const error = await runSync({
      file,
      db,
      state: openSqliteStateStore(':memory:'),
      queue: memoryQueue(),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toMatch(/syncs\/bad\.yaml: users\.query failed: relation "nowhere" does not exist/);
    // The position is in the query as written, not in the SQL the sync wraps around it.
    expect(error.message).toContain('at character 16');
  });

  it('runs a query as written: a trailing comment or semicolon, two columns of one name (the last wins)', async () => {
    for (const query of [
      'SELECT id, plan, seats AS plan FROM people -- the seats',
      'SELECT id, plan, seats AS plan FROM people;',
    ]) {
      const queue = memoryQueue();
      const file = parseSyncFile(
        'syncs/as-written.yaml',
        `connection: DATABASE_URL\nusers:\n  query: ${JSON.stringify(query)}\n`,
      );
      const result = await runSync({ file, db, state: openSqliteStateStore(':memory:'), queue });
      expect(result.counts.created).toBe(200);
      expect(commandsOf(queue.sent)).toContainEqual({
        type: 'upsert_user',
        user_id: 'u7',
        attributes: { plan: 7 },
      });
    }
  });

  it('names the missing id column, even when the query returns no rows', async () => {
    const file = parseSyncFile(
      'syncs/noid.yaml',
      'connection: DATABASE_URL\nusers:\n  query: SELECT email FROM people WHERE false\n',
    );
    await expect(
      runSync({ file, db, state: openSqliteStateStore(':memory:'), queue: memoryQueue() }),
    ).rejects.toThrow(/syncs\/noid\.yaml: users\.query must return a `id` column \(it returned: email\)/);
  });

  it('names the secret, not the URL, when the database is unreachable', async () => {
    const error = await connectPostgres({
      url: 'postgres://bob:hunter2@127.0.0.1:1/app',
      label: 'DATABASE_URL',
      connectTimeoutMs: 2000,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain('hunter2');
    expect(error.retryable).toBe(true);
  });
});

describe('connectPostgres', () => {
  it('names the secret but never echoes a malformed URL (which holds the password)', async () => {
    const error = await connectPostgres({ url: 'postgres://bob:hunter2@[bad', label: 'DATABASE_URL' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(SyncError);
    expect(error.code).toBe('bad_connection_url');
    expect(JSON.stringify({ ...error, message: error.message, cause: String(error.cause) })).not.toContain(
      'hunter2',
    );
  });
});
