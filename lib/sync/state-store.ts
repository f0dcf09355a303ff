// The sync state port: per entity, the fingerprint last sent to Userflow, plus a log of runs.
import type { PreviousEntity, StoredEntity } from './diff.ts';
import type { EntityKind } from './entity.ts';

export interface RunCounts {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  skipped: number;
  queued: number;
}

export interface RunRecord {
  id: number;
  sync: string;
  file: string;
  mode: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'succeeded' | 'failed';
  error?: string;
  counts: RunCounts;
}

export interface StateEntry {
  key: string;
  state: StoredEntity;
}

/** An entry as a scan returns it: its fingerprint is decoded only if asked for (when the row's hash moved). */
export interface ScannedEntry extends PreviousEntity {
  readonly key: string;
}

export interface SyncStateStore {
  startRun(run: {
    sync: string;
    file: string;
    mode: string;
    dryRun: boolean;
    startedAt: Date;
  }): Promise<number>;
  finishRun(
    id: number,
    result: { status: 'succeeded' | 'failed'; error?: string; counts: RunCounts },
  ): Promise<void>;
  runs(options: { sync?: string; limit: number }): Promise<RunRecord[]>;

  /** The stored entities of one kind of one sync: what a run reads, merges and commits. */
  entities(sync: string, kind: EntityKind): EntityState;
  close(): Promise<void>;
}

/** One kind's stored entities in one sync (`SyncStateStore.entities`). */
export interface EntityState {
  readonly sync: string;
  readonly kind: EntityKind;
  /**
   * Up to `limit` entries with keys after `after` (`''`: from the start), in code point order (`compareKeys`,
   * = UTF-8 byte order), which is the order the sync reads its rows in: the two are merged. Fewer than `limit`
   * means there are no more.
   */
  scan(after: string, limit: number): Promise<ScannedEntry[]>;
  /**
   * Records what was just queued (`changed`), and marks `gone` entries (stored, but no longer returned by the
   * query) as gone in run `runId`, in one transaction where the store has them. Called only after the queue
   * accepted the chunk's commands: a crash before it re-sends, never skips. Never creates an entry for a gone key.
   */
  commit(
    runId: number,
    changes: { changed: readonly StateEntry[]; gone: readonly ScannedEntry[] },
  ): Promise<void>;
  count(): Promise<number>;
  /** Entries marked gone by run `runId`, in key order, in batches of `batchSize`. */
  gone(runId: number, batchSize: number): AsyncIterable<StateEntry[]>;
  forget(keys: readonly string[]): Promise<void>;
}
