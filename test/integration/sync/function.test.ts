// functions/sync.ts as Lambda runs it: env config, bundled sync files, the connection URL from Secrets Manager,
// state in DynamoDB (dynalite) or in the synced database, commands on the SQS sync queue (fauxqs), real PostgreSQL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { createSyncHandler as CreateSyncHandler } from '../../../functions/sync.ts';
import { envelope } from '../../../lib/commands/index.ts';
import type { Logger } from '../../../lib/logger.ts';
import { createSqsQueue, type SqsQueue } from '../../../lib/queue/sqs/sqs-queue.ts';
import { envSecretSource } from '../../../lib/secrets/index.ts';
import { openDynamoDbStateStore, SYNC_STATE_TABLE_SCHEMA } from '../../../lib/sync/dynamodb-state-store.ts';
import { SyncError } from '../../../lib/sync/errors.ts';
import type { SyncStateStore } from '../../../lib/sync/state-store.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../../helpers/dynamodb-emulator.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { type SqsEmulator, startSqsEmulator } from '../../helpers/sqs-emulator.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../ingest/fake-secrets-manager.ts';

const SECRET_ID = 'userflow-bridge/sync-connections';
const TABLE = 'sync-state';
const USERS = 20;
const GROUPS = 3;

let pgServer: TestPostgres;
let ddb: DynamoDbEmulator;
let sqs: SqsEmulator;
let sm: FakeSecretsManager;
let queue: SqsQueue;
let state: SyncStateStore;
let syncDir: string;
let handler: ReturnType<typeof CreateSyncHandler>;
let createSyncHandler: typeof CreateSyncHandler;
const savedEnv = { ...process.env };
const context = { awsRequestId: 'req-1', functionName: 'sync' } as Context;

const syncFile = (extra = '') => `
connection: DATABASE_URL
${extra}
users:
  query: SELECT id, email, plan FROM people
groups:
  query: SELECT id, name FROM accounts
memberships:
  query: SELECT user_id, group_id FROM members
`;

beforeAll(async () => {
  [pgServer, ddb, sqs, sm] = await Promise.all([
    startPostgres(),
    startDynamoDbEmulator(),
    startSqsEmulator(),
    startFakeSecretsManager(),
  ]);
  await ddb.createTable(TABLE, SYNC_STATE_TABLE_SCHEMA);
  const created = await sqs.createFifoQueue('sync', { dlq: true });
  queue = createSqsQueue({ queueUrl: created.url, client: sqs.clientConfig });
  state = openDynamoDbStateStore({ tableName: TABLE, client: ddb.clientConfig });
  sm.put(SECRET_ID, JSON.stringify({ DATABASE_URL: pgServer.url }));
  syncDir = mkdtempSync(join(tmpdir(), 'ufb-syncs-'));
  writeFileSync(join(syncDir, 'app.yaml'), syncFile());
  writeFileSync(join(syncDir, 'in-db.yml'), syncFile('state: database\nname: crm'));
  writeFileSync(join(syncDir, 'README.md'), 'not a sync file');
  Object.assign(process.env, {
    AWS_REGION: sqs.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    SYNC_FILES_DIR: syncDir,
    SYNC_QUEUE_URL: created.url,
    SYNC_STATE_TABLE: TABLE,
    SYNC_SECRETS_ID: SECRET_ID,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  // The module reads its config and sync files at import, as a cold start does.
  ({ handler, createSyncHandler } = await import('../../../functions/sync.ts'));
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  queue?.close();
  await state?.close();
  await Promise.all([pgServer?.stop(), ddb?.close(), sqs?.close(), sm?.close()]);
  if (syncDir) rmSync(syncDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await pgServer.sql(`
    DROP TABLE IF EXISTS members, accounts, people, userflow_bridge_sync_state, userflow_bridge_sync_runs;
    CREATE TABLE people (id text PRIMARY KEY, email text, plan text);
    CREATE TABLE accounts (id text PRIMARY KEY, name text);
    CREATE TABLE members (user_id text, group_id text, PRIMARY KEY (user_id, group_id));
    INSERT INTO people SELECT 'u' || i, 'u' || i || '@example.com', 'free' FROM generate_series(1, ${USERS}) AS i;
    INSERT INTO accounts SELECT 'g' || i, 'Account ' || i FROM generate_series(1, ${GROUPS}) AS i;
    INSERT INTO members SELECT 'u' || i, 'g' || (i % ${GROUPS} + 1) FROM generate_series(1, ${USERS}) AS i;
  `);
  await drain();
});

/** Receives and deletes everything on the sync queue; returns the commands. */
async function drain() {
  const commands = [];
  for (;;) {
    const messages = await queue.receive({ maxMessages: 10, waitSeconds: 0 });
    if (messages.length === 0) return commands;
    for (const m of messages) commands.push(envelope.parse(JSON.parse(m.body)));
    await queue.delete(messages.map((m) => m.receiptHandle));
  }
}

/** A logger that keeps every line, to check what a failure writes. */
function recordingLogger() {
  const lines: unknown[] = [];
  const record = (...args: unknown[]) => void lines.push(args);
  const logger = { info: record, error: record, warn: record, addContext: () => {} } as unknown as Logger;
  return { logger, lines };
}

describe('functions/sync.ts', () => {
  it('runs the named sync: commands on the sync queue, state and run log in DynamoDB', async () => {
    const first = await handler({ sync: 'app' }, context);
    expect(first.counts).toMatchObject({ read: USERS * 2 + GROUPS, created: USERS * 2 + GROUPS });
    const sent = await drain();
    // Each user's membership travels in the user's upsert.
    expect(sent).toHaveLength(USERS + GROUPS);
    expect(new Set(sent.map((e) => e.source))).toEqual(new Set(['sync:app']));
    expect(sent.find((e) => e.command.type === 'upsert_user' && e.command.user_id === 'u3')?.command).toEqual(
      {
        type: 'upsert_user',
        user_id: 'u3',
        attributes: { email: 'u3@example.com', plan: 'free' },
        memberships: [{ group: { id: `g${(3 % GROUPS) + 1}` } }],
      },
    );

    await pgServer.sql(`UPDATE people SET plan = 'pro' WHERE id = 'u3'`);
    const second = await handler({ sync: 'app' }, context);
    expect(second.counts).toMatchObject({ updated: 1, queued: 1 });
    expect((await drain()).map((e) => e.command)).toEqual([
      { type: 'upsert_user', user_id: 'u3', attributes: { plan: 'pro' } },
    ]);

    const runs = await state.runs({ sync: 'app', limit: 2 });
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [second.runId, 'succeeded'],
      [first.runId, 'succeeded'],
    ]);
  });

  it('keeps the state of a `state: database` sync in that database, not in DynamoDB', async () => {
    const result = await handler({ sync: 'crm' }, context);
    expect(result.counts.queued).toBe(USERS + GROUPS);
    const { rows } = await pgServer.sql('SELECT sync, status FROM userflow_bridge_sync_runs');
    expect(rows).toEqual([{ sync: 'crm', status: 'succeeded' }]);
    expect(await state.runs({ sync: 'crm', limit: 1 })).toEqual([]);
  });

  it('a dry run queues nothing', async () => {
    const result = await handler({ sync: 'app', dryRun: true }, context);
    expect(result.counts.queued).toBe(0);
    expect(await drain()).toEqual([]);
  });

  it('throws on a sync name no bundled file has', async () => {
    const error = await handler({ sync: 'nope' }, context).catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: 'unknown_sync', message: expect.stringContaining('"nope"') });
  });
});

describe('createSyncHandler failures', () => {
  const deps = async (env: Record<string, string>) => {
    const { loadSyncFiles } = await import('../../../lib/sync/sync-files.ts');
    const { logger, lines } = recordingLogger();
    const run = createSyncHandler({
      files: await loadSyncFiles(syncDir),
      secrets: envSecretSource(env),
      queue,
      state,
      logger,
      connectTimeoutMs: 2000,
    });
    return { run, lines };
  };

  it('names the file and the secret when the connection secret is missing', async () => {
    const { run } = await deps({});
    const error = await run({ sync: 'app' }).catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toMatch(
      /app\.yaml: cannot read the connection secret DATABASE_URL \(secret_missing\)/,
    );
  });

  it.each([
    ['an unreachable database', 'postgres://bob:hunter2@127.0.0.1:1/app', 'database_unreachable', true],
    ['a malformed URL', 'postgres://bob:hunter2@@:x/db', 'bad_connection_url', false],
  ])('fails on %s without the password in the error or the log', async (_name, url, code, retryable) => {
    const { run, lines } = await deps({ DATABASE_URL: url });
    const error = await run({ sync: 'app' }).catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code, retryable });
    expect(error.message).toContain('DATABASE_URL');
    expect(JSON.stringify({ message: error.message, ...error })).not.toContain('hunter2');
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('fails the invocation when the run fails, and records the failed run', async () => {
    const { run } = await deps({ DATABASE_URL: pgServer.url });
    await pgServer.sql('DROP TABLE members');
    const error = await run({ sync: 'app' }).catch((e) => e);
    expect(error.message).toMatch(/memberships\.query failed: relation "members" does not exist/);
    const [last] = await state.runs({ sync: 'app', limit: 1 });
    expect(last).toMatchObject({ status: 'failed', error: error.message });
  });
});
