// Database → Userflow, every real part in line: PostgreSQL (embedded server), the sync, the embedded durable queue,
// the local poller playing Lambda's event source mapping, the deliver handler, and the sandbox over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope } from '../../../lib/commands/index.ts';
import { createDeliverHandler } from '../../../lib/deliver/index.ts';
import { SqlitePersistenceLayer } from '../../../lib/idempotency/sqlite-persistence-layer.ts';
import { startPoller } from '../../../lib/local/poller.ts';
import { createLogger } from '../../../lib/logger.ts';
import { openSqliteQueues, type SqliteQueues } from '../../../lib/queue/sqlite/sqlite-queue.ts';
import type { RunningSandbox } from '../../../lib/sandbox/index.ts';
import { connectPostgres, type Database } from '../../../lib/sync/postgres.ts';
import { parseSyncFile } from '../../../lib/sync/read-sync-file.ts';
import { runSync } from '../../../lib/sync/run-sync.ts';
import { openSqliteStateStore } from '../../../lib/sync/sqlite-state-store.ts';
import type { SyncStateStore } from '../../../lib/sync/state-store.ts';
import { UserflowClient } from '../../../lib/userflow/index.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { startSandbox } from '../../helpers/sandbox.ts';

const USERS = 10_000;
const GROUPS = 500;

let pgServer: TestPostgres;
let db: Database;
let sandbox: RunningSandbox;
let queues: SqliteQueues;
let state: SyncStateStore;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ufb-sync-e2e-'));
  [pgServer, sandbox] = await Promise.all([startPostgres(), startSandbox({ seed: 'none' })]);
  db = await connectPostgres({ url: pgServer.url, label: 'DATABASE_URL' });
  queues = openSqliteQueues({
    path: join(dir, 'queue.db'),
    mainName: 'sync',
    dlqName: 'sync-dlq',
    maxReceiveCount: 40,
    visibilityTimeoutSeconds: 30,
  });
  state = openSqliteStateStore(join(dir, 'state.db'));
  await pgServer.sql(`
    CREATE TABLE accounts (id text PRIMARY KEY, name text, plan text);
    CREATE TABLE people (id text PRIMARY KEY, email text, name text, seats int, account_id text);
    INSERT INTO accounts SELECT 'acct-' || i, 'Account ' || i, (ARRAY['free','team','pro'])[1 + i % 3]
      FROM generate_series(1, ${GROUPS}) AS i;
    INSERT INTO people SELECT 'user-' || i, 'user' || i || '@example.com', 'User ' || i, i % 40, 'acct-' || (1 + i % ${GROUPS})
      FROM generate_series(1, ${USERS}) AS i;
  `);
}, 120_000);

afterAll(async () => {
  await db?.close();
  await state?.close();
  queues?.close();
  await sandbox?.close();
  await pgServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const file = () =>
  parseSyncFile(
    'syncs/app.yaml',
    `
connection: DATABASE_URL
mode: mirror
users:
  query: SELECT id, email, name, seats FROM people
groups:
  query: SELECT id, name, plan FROM accounts
memberships:
  query: SELECT id AS user_id, account_id AS group_id FROM people
`,
  );

/** Delivers everything on the sync queue to the sandbox, as `npm start`'s sync consumer does. */
async function deliverAll(): Promise<void> {
  const handler = createDeliverHandler({
    client: new UserflowClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, timeoutMs: 5_000 }),
    queue: queues.main,
    dlq: queues.dlq,
    idempotency: new SqlitePersistenceLayer({ path: join(dir, 'idempotency.db') }),
    logger: createLogger({ service: 'sync-e2e', level: 'SILENT' }),
    rate: { limitPerSecond: 50_000, maxConcurrency: 4 },
    backoff: { baseMs: 100, capMs: 1_000 },
  });
  const poller = startPoller({
    queue: queues.main,
    handler: handler as (event: SQSEvent) => Promise<SQSBatchResponse>,
    maxConcurrency: 4,
    waitSeconds: 0,
  });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const counts = await queues.main.counts();
      if (counts.visible + counts.inFlight === 0) break;
      if (Date.now() > deadline) throw new Error(`sync queue not drained: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await poller.stop();
  }
  const dlq = await queues.dlq.counts();
  expect(dlq.visible + dlq.inFlight, 'dead-lettered sync commands').toBe(0);
}

describe('database sync into the sandbox', () => {
  it('lands a first sync of 10,000 users and 500 groups exactly', async () => {
    const result = await runSync({ file: file(), db, state, queue: queues.main });
    // Each user's one membership travels in the user's upsert: one call per user.
    expect(result.counts.queued).toBe(GROUPS + USERS);
    await deliverAll();

    expect(sandbox.store.listUsers()).toHaveLength(USERS);
    expect(sandbox.store.listGroups()).toHaveLength(GROUPS);
    expect(sandbox.store.getUser('user-1234')?.attributes).toEqual({
      email: 'user1234@example.com',
      name: 'User 1234',
      seats: 1234 % 40,
    });
    expect(sandbox.store.getGroup('acct-7')?.attributes).toEqual({ name: 'Account 7', plan: 'team' });
    expect(sandbox.store.listMemberships({ user_id: 'user-1234' }).map((m) => m.group_id)).toEqual([
      `acct-${1 + (1234 % GROUPS)}`,
    ]);
    expect(sandbox.store.listMemberships({ group_id: 'acct-7' })).toHaveLength(USERS / GROUPS);
  }, 180_000);

  it('queues nothing when nothing changed, then exactly the 37 changed rows with only their changed attributes', async () => {
    const idle = await runSync({ file: file(), db, state, queue: queues.main });
    expect(idle.counts.queued).toBe(0);

    await pgServer.sql(`UPDATE people SET seats = 999 WHERE (substring(id from 6))::int BETWEEN 101 AND 137`);
    const before = await queues.main.counts();
    const changed = await runSync({ file: file(), db, state, queue: queues.main });
    expect(changed.counts.queued).toBe(37);
    const queued = (await queues.main.browse())
      .slice(before.visible)
      .map((m) => envelope.parse(JSON.parse(m.body)).command);
    expect(queued).toHaveLength(37);
    expect(
      queued.every((c) => c.type === 'upsert_user' && JSON.stringify(c.attributes) === '{"seats":999}'),
    ).toBe(true);

    await deliverAll();
    expect(sandbox.store.getUser('user-120')?.attributes).toMatchObject({
      seats: 999,
      email: 'user120@example.com',
    });
    expect(sandbox.store.getUser('user-138')?.attributes.seats).toBe(138 % 40);
  }, 120_000);

  it('removes in Userflow a membership removed in the database (mirror mode)', async () => {
    expect(sandbox.store.getMembership('user-42', 'acct-43')).toBeDefined();
    await pgServer.sql(`UPDATE people SET account_id = NULL WHERE id = 'user-42'`);
    const result = await runSync({ file: file(), db, state, queue: queues.main });
    // The NULL group id skips that membership row, so it vanished: one removal, nothing else.
    expect(result.byKind.memberships).toEqual({ created: 0, updated: 0, removed: 1 });
    await deliverAll();
    expect(sandbox.store.getMembership('user-42', 'acct-43')).toBeUndefined();
    expect(sandbox.store.getUser('user-42')).toBeDefined();
  }, 120_000);
});
