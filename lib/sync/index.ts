// Public surface of database sync: sync files, one run (diffed against the stored state, only changes queued),
// and the state-store port. The adapters — the PostgreSQL reader (`./postgres.ts`), the state stores over SQLite,
// PostgreSQL and DynamoDB (`./*-state-store.ts`) and the scheduled handler that opens them (`./scheduled-run.ts`)
// — are imported by their own paths, so a caller loads only the drivers it uses.
export { type CopiedFrom, copiedFrom, copiedWarning, sameQueries } from './copied-sync.ts';
export { ENTITY_KINDS, type EntityKind } from './entity.ts';
export { DeletionCapError, SyncError } from './errors.ts';
export type { Column, Database } from './postgres.ts';
export { loadSyncFile, parseSyncFile } from './read-sync-file.ts';
export {
  runSync,
  type SyncProgress,
  type SyncResult,
  type SyncRunOptions,
  type SyncSample,
} from './run-sync.ts';
export type {
  EntityState,
  RunCounts,
  RunRecord,
  ScannedEntry,
  StateEntry,
  SyncStateStore,
} from './state-store.ts';
export { DEFAULT_MAX_DELETE, type SyncFile, syncFileJsonSchema } from './sync-file.ts';
export { loadSyncFiles } from './sync-files.ts';
export { runSyncRecorded, type SyncRunTrail, syncRunOutcome } from './trail-run.ts';
