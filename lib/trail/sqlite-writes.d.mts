// Types of sqlite-writes.mjs (plain JavaScript, so the writer thread can load it without a TypeScript loader).
import type { SqliteDatabase } from '../sqlite/sqlite-db.ts';
import type { AttemptRecord, IntakeRecord, SyncRunRecord } from './types.ts';

export const SCHEMA: string;

/** Brings a file an earlier version made up to SCHEMA (after SCHEMA has run). */
export function upgradeSchema(db: SqliteDatabase): void;

/** The `intake_terms` term of a key: e (sender event id), c (command id), u (user id), g (group id). */
export function termOf(kind: 'e' | 'c' | 'u' | 'g', value: string): string;

/** One write to the trail, as it crosses to the writer thread (structured-cloneable). */
export type TrailWrite =
  | { kind: 'intake'; record: IntakeRecord }
  | { kind: 'attempt'; record: AttemptRecord }
  | { kind: 'syncRun'; record: SyncRunRecord }
  | { kind: 'confirmation'; id: string; expiresAt: number }
  | { kind: 'purge'; nowSeconds: number };

/** A write made ready to cross (`rowOf`): records in their columns, as JSON. */
export type RowWrite =
  | { kind: 'intake'; values: unknown[]; keys: string[] }
  | { kind: 'attempt' | 'syncRun'; values: unknown[] }
  | { kind: 'confirmation'; id: string; expiresAt: number }
  | { kind: 'purge'; nowSeconds: number };

export function rowOf(write: TrailWrite): RowWrite;

export interface WriteFailure {
  message: string;
  code?: string;
}

export type WriteOutcome = { ok: true; value: unknown } | { ok: false; error: WriteFailure };

export function trailWrites(db: SqliteDatabase): (writes: readonly RowWrite[]) => WriteOutcome[];

export function describe(error: unknown): WriteFailure;
