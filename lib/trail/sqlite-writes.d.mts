// Types of sqlite-writes.mjs (plain JavaScript, so the writer thread can load it without a TypeScript loader).
import type { SqliteDatabase } from '../sqlite/sqlite-db.ts';
import type { AttemptRecord, IntakeRecord, SyncRunRecord } from './types.ts';

export const SCHEMA: string;

/** One write to the trail, as it crosses to the writer thread (structured-cloneable). */
export type TrailWrite =
  | { kind: 'intake'; record: IntakeRecord }
  | { kind: 'attempt'; record: AttemptRecord }
  | { kind: 'syncRun'; record: SyncRunRecord }
  | { kind: 'purge'; nowSeconds: number };

export interface WriteFailure {
  message: string;
  code?: string;
}

export type WriteOutcome = { ok: true; value: unknown } | { ok: false; error: WriteFailure };

export function trailWrites(db: SqliteDatabase): (writes: readonly TrailWrite[]) => WriteOutcome[];

export function describe(error: unknown): WriteFailure;
