// Opens a better-sqlite3 database for the embedded stores (queue, idempotency): the one module importing it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export interface OpenSqliteOptions {
  /**
   * `normal` (default) survives a killed process: WAL keeps every committed transaction; only a power loss can
   * drop the last ones. `full` also syncs the WAL on every commit, at a cost in throughput.
   */
  synchronous?: 'normal' | 'full';
  /** How long a writer waits for another process holding the lock (default 5 s). */
  busyTimeoutMs?: number;
}

export function openSqliteDatabase(path: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  return db;
}
