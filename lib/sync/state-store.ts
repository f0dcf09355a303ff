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

  lookup(
    sync: string,
    kind: EntityKind,
    keys: readonly string[],
  ): Promise<Map<string, PreviousEntity & { seenRun: number }>>;
  /**
   * Records what was just queued (`changed`) and that `seen` keys still exist, in one transaction. Called only
   * after the queue accepted the chunk's commands: a crash before it re-sends, never skips.
   */
  commit(
    sync: string,
    kind: EntityKind,
    runId: number,
    changed: readonly StateEntry[],
    seen: readonly string[],
  ): Promise<void>;
  count(sync: string, kind: EntityKind): Promise<number>;
  /** Entities not seen by run `runId`: rows that disappeared from the query. Streamed in key order. */
  unseen(sync: string, kind: EntityKind, runId: number, batchSize: number): AsyncIterable<StateEntry[]>;
  countUnseen(sync: string, kind: EntityKind, runId: number): Promise<number>;
  forget(sync: string, kind: EntityKind, keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
