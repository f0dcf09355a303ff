// The sync Lambda: an EventBridge Scheduler `{ "sync": "<name>" }` → one run of that bundled sync file.
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { loadSyncFiles, readSyncConfig } from '../lib/config/sync.ts';
import { BridgeError } from '../lib/errors.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import type { Queue } from '../lib/queue/queue.ts';
import { createSqsQueue } from '../lib/queue/sqs-queue.ts';
import type { SecretSource } from '../lib/secrets/index.ts';
import { secretsManagerSecretSource } from '../lib/secrets/secrets-manager.ts';
import { openDynamoDbStateStore } from '../lib/sync/dynamodb-state-store.ts';
import { SyncError } from '../lib/sync/errors.ts';
import { connectPostgres } from '../lib/sync/postgres.ts';
import { openPostgresStateStore } from '../lib/sync/postgres-state-store.ts';
import { runSync } from '../lib/sync/run-sync.ts';
import type { RunCounts, SyncStateStore } from '../lib/sync/state-store.ts';
import type { SyncFile } from '../lib/sync/sync-file.ts';

export interface SyncHandlerDeps {
  files: ReadonlyMap<string, SyncFile>;
  /** Connection secret name → postgres:// URL. */
  secrets: SecretSource;
  queue: Queue;
  /** State of `state: embedded` files (DynamoDB in AWS); `state: database` files keep it in their database. */
  state: SyncStateStore;
  logger: Logger;
  connectTimeoutMs?: number;
}

export interface SyncEvent {
  sync?: unknown;
  /** A manual invoke may ask for a dry run: counts only, nothing queued or stored. */
  dryRun?: unknown;
}

/** Runs one sync; returns its counts, or throws so the scheduler's retries and the error alarm see it. */
export function createSyncHandler(deps: SyncHandlerDeps) {
  return async (
    event: SyncEvent,
    context?: Context,
  ): Promise<{ sync: string; runId: number; counts: RunCounts }> => {
    if (context) deps.logger.addContext(context);
    const file = deps.files.get(String(event?.sync));
    if (!file)
      throw new SyncError(`no sync file named ${JSON.stringify(event?.sync)}`, { code: 'unknown_sync' });
    const closers: (() => Promise<void>)[] = [];
    const connect = async (url: string) => {
      const db = await connectPostgres({
        url,
        label: file.connection,
        connectTimeoutMs: deps.connectTimeoutMs ?? 10_000,
      }).catch((error) => {
        // pg's URL parse error holds the URL (password included) in `input`: it must not reach a log line.
        throw error instanceof BridgeError
          ? error
          : new SyncError(`${file.path}: ${file.connection} is not a usable postgres:// URL`, {
              code: 'bad_connection_url',
            });
      });
      closers.unshift(() => db.close());
      return db;
    };
    try {
      const [url = ''] = await deps.secrets.get(file.connection).catch((error: BridgeError) => {
        const reason = `${file.path}: cannot read the connection secret ${file.connection} (${error.code})`;
        throw new SyncError(reason, { code: 'connection_secret', retryable: error.retryable, cause: error });
      });
      const db = await connect(url);
      // The run streams on one connection; a state store in the database needs a second.
      const state = file.state === 'database' ? await openPostgresStateStore(await connect(url)) : deps.state;
      const dryRun = event.dryRun === true;
      const { runId, counts } = await runSync({
        file,
        db,
        state,
        dryRun,
        ...(dryRun ? {} : { queue: deps.queue }),
      });
      deps.logger.info('sync run finished', { sync: file.name, runId, dryRun, counts });
      return { sync: file.name, runId, counts };
    } catch (error) {
      // Messages name the file and the secret, never the URL; the error object (with its causes) is not logged.
      const { code, message } = error as BridgeError;
      deps.logger.error('sync run failed', { sync: file.name, code, error: message });
      throw error;
    } finally {
      for (const close of closers) await close();
    }
  };
}

const config = readSyncConfig(process.env, { filesDir: fileURLToPath(new URL('./syncs', import.meta.url)) });
const endpoint = (url?: string) => (url ? { endpoint: url } : {});

export const handler = createSyncHandler({
  files: await loadSyncFiles(config.filesDir),
  secrets: secretsManagerSecretSource({
    secretId: config.secrets.secretId,
    maxAgeSeconds: config.secrets.maxAgeSeconds,
    ...(config.secrets.endpoint ? { clientConfig: { endpoint: config.secrets.endpoint } } : {}),
  }),
  queue: createSqsQueue({ queueUrl: config.queue.url, client: endpoint(config.queue.endpoint) }),
  state: openDynamoDbStateStore({
    tableName: config.state.tableName,
    runRetentionDays: config.state.runRetentionDays,
    client: endpoint(config.state.endpoint),
  }),
  logger: createLogger({ service: 'sync' }),
  connectTimeoutMs: config.connectTimeoutMs,
});
