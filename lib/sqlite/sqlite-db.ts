// Opens a better-sqlite3 database for the embedded stores (queue, idempotency): the one module importing it.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export interface OpenSqliteOptions {
  /**
   * `normal` (default) survives a killed process: WAL keeps every committed transaction; only a power loss can
   * drop the last ones. `full` also syncs the WAL on every commit, at a cost in throughput. `off` never syncs
   * (not even at a checkpoint, which otherwise stalls the event loop for a disk flush): a power loss may lose or
   * corrupt the file, so only for a store that is not the source of truth.
   */
  synchronous?: 'normal' | 'full' | 'off';
  /** How long a writer waits for another process holding the lock (default 5 s). */
  busyTimeoutMs?: number;
}

export function openSqliteDatabase(path: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 });
  // Owner only before the WAL exists: SQLite gives its -wal and -shm files the database file's mode. The
  // stores hold payload data (emails, attributes), which the umask's usual 0644 would show to every local user.
  if (path !== ':memory:') ownerOnly(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${(options.synchronous ?? 'normal').toUpperCase()}`);
  if (path !== ':memory:') for (const suffix of ['-wal', '-shm']) ownerOnly(`${path}${suffix}`);
  return db;
}

function ownerOnly(file: string): void {
  if (existsSync(file)) chmodSync(file, 0o600);
}
