// Public surface of the shared SQLite opener (better-sqlite3): the local queue, idempotency, sync state and the
// trail all open their files through it, with the same pragmas and file permissions.
export { type OpenSqliteOptions, openSqliteDatabase, type SqliteDatabase } from './sqlite-db.ts';
