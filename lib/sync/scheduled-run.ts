// One scheduled sync run, as the sync Lambda performs it: pick the named file, read its connection secret, run.
import type { Context } from 'aws-lambda';
import type { BridgeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Queue } from '../queue/queue.ts';
import type { SecretSource } from '../secrets/index.ts';
import { DEFAULT_TRAIL_RETENTION_DAYS } from '../trail/capture.ts';
import type { TrailStore } from '../trail/store.ts';
import { SyncError } from './errors.ts';
import { connectPostgres } from './postgres.ts';
import { openPostgresStateStore } from './postgres-state-store.ts';

import type { RunCounts, SyncStateStore } from './state-store.ts';
import type { SyncFile } from './sync-file.ts';
import { runSyncRecorded } from './trail-run.ts';

export interface SyncHandlerDeps {
  files: ReadonlyMap<string, SyncFile>;
  /** Connection secret name → postgres:// URL. */
  secrets: SecretSource;
  queue: Queue;
  /** State of `state: embedded` files (DynamoDB in AWS); `state: database` files keep it in their database. */
  state: SyncStateStore;
  logger: Logger;
  connectTimeoutMs?: number;
  /** The event trail: each run is recorded there when it starts and when it ends. */
  trail?: TrailStore;
  /** TRAIL_RETENTION_DAYS (default 30). */
  trailRetentionDays?: number;
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
    if (!file) throw new SyncError('unknown_sync', `no sync file named ${JSON.stringify(event?.sync)}`);
    const closers: (() => Promise<void>)[] = [];
    const connect = async (url: string) => {
      // connectPostgres names the secret, never the URL (which holds the password), in its errors.
      const db = await connectPostgres({
        url,
        label: file.connection,
        connectTimeoutMs: deps.connectTimeoutMs ?? 10_000,
      });
      closers.unshift(() => db.close());
      return db;
    };
    try {
      const [url = ''] = await deps.secrets.get(file.connection).catch((error: BridgeError) => {
        const reason = `${file.path}: cannot read the connection secret ${file.connection} (${error.code})`;
        throw new SyncError('connection_secret', reason, { retryable: error.retryable, cause: error });
      });
      const db = await connect(url);
      // The run streams on one connection; a state store in the database needs a second.
      const state = file.state === 'database' ? await openPostgresStateStore(await connect(url)) : deps.state;
      const dryRun = event.dryRun === true;
      const { runId, counts } = await runSyncRecorded(
        { file, db, state, dryRun, ...(dryRun ? {} : { queue: deps.queue }) },
        deps.trail && {
          trail: deps.trail,
          retentionDays: deps.trailRetentionDays ?? DEFAULT_TRAIL_RETENTION_DAYS,
          // The run's own result stands; the alarm on TrailWriteFailed belongs to ingest and delivery.
          onTrailError: (error) =>
            deps.logger.error('trail write failed: sync run not recorded', {
              sync: file.name,
              error: (error as Error).message,
            }),
        },
      );
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
