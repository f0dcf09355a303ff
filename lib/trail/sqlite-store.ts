// The trail on SQLite (`.local/trail.db`, mode 0600). This module opens the file, creates the schema and reads;
// writes go through sqlite-writer.ts, on a thread of their own once it is running (the schema and the writes
// themselves are in sqlite-writes.mjs). Reading on this thread's connection while another writes is what WAL is
// for: a reader never waits on the writer, and sees each write once its promise has resolved.
import { chmodSync, existsSync } from 'node:fs';
import { openSqliteDatabase, type SqliteDatabase } from '../sqlite/sqlite-db.ts';
import { TrailError } from './errors.ts';
import { sqliteWriter, type TrailWriter } from './sqlite-writer.ts';
import { SCHEMA } from './sqlite-writes.mjs';
import type { TrailStore } from './store.ts';
import type { AttemptQuery, AttemptRecord, IntakeQuery, IntakeRecord, SyncRunRecord } from './types.ts';

export function openSqliteTrail(path: string): TrailStore {
  let db: SqliteDatabase;
  try {
    // Created empty with 0600 before SQLite opens it: bodies and headers are customer data.
    if (path !== ':memory:' && !existsSync(path)) {
      openSqliteDatabase(path).close();
      chmodSync(path, 0o600);
    }
    // Never synced to disk: the queue is the source of truth, and a power loss may cost the trail its last
    // records, not a webhook. The writer thread's connection is opened the same way.
    db = openSqliteDatabase(path, { synchronous: 'off' });
    db.exec(SCHEMA);
  } catch (error) {
    throw new TrailError('trail_unavailable', `the trail database ${path} could not be opened`, {
      cause: error,
    });
  }
  return sqliteTrail(db, sqliteWriter(db, path));
}

function sqliteTrail(db: SqliteDatabase, writer: TrailWriter): TrailStore {
  const byRequest = db.prepare('SELECT record FROM intake WHERE request_id = ?');
  const byKey = db.prepare(
    `SELECT request_id FROM intake_key WHERE kind = ? AND key = ? ORDER BY received_at DESC LIMIT 1`,
  );

  const guard = <T>(what: string, run: () => T): Promise<T> => {
    try {
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(new TrailError('trail_unavailable', `trail ${what} failed`, { cause: error }));
    }
  };

  return {
    putIntake: async (record) => {
      await writer.write({ kind: 'intake', record });
    },
    putAttempt: async (record) => {
      await writer.write({ kind: 'attempt', record });
    },
    putSyncRun: async (record) => {
      await writer.write({ kind: 'syncRun', record });
    },
    listIntakes: (query) => guard('read', () => list(db, query)),
    findIntake: (id) =>
      guard('read', () => {
        const direct = byRequest.get(id) as { record: string } | undefined;
        if (direct) return JSON.parse(direct.record) as IntakeRecord;
        for (const kind of ['e', 'c']) {
          const hit = byKey.get(kind, id) as { request_id: string } | undefined;
          const row = hit && (byRequest.get(hit.request_id) as { record: string } | undefined);
          if (row) return JSON.parse(row.record) as IntakeRecord;
        }
        return undefined;
      }),
    attemptsFor: (commandIds) =>
      guard('read', () => {
        if (commandIds.length === 0) return [];
        const marks = commandIds.map(() => '?').join(',');
        const rows = db
          .prepare(`SELECT record FROM attempt WHERE command_id IN (${marks}) ORDER BY at, seq`)
          .all(...commandIds) as { record: string }[];
        return rows.map((row) => JSON.parse(row.record) as AttemptRecord);
      }),
    listAttempts: (query) => guard('read', () => listAttempts(db, query)),
    listSyncRuns: (query) =>
      guard('read', () => {
        const rows = (
          query.name === undefined
            ? db.prepare('SELECT record FROM sync_run ORDER BY started_at DESC LIMIT ?').all(query.limit)
            : db
                .prepare('SELECT record FROM sync_run WHERE name = ? ORDER BY started_at DESC LIMIT ?')
                .all(query.name, query.limit)
        ) as { record: string }[];
        return rows.map((row) => JSON.parse(row.record) as SyncRunRecord);
      }),
    purgeExpired: async (now) =>
      (await writer.write({ kind: 'purge', nowSeconds: Math.floor(now.getTime() / 1000) })) as number,
    close: () => {
      // What was written before the close is committed first, not lost.
      writer.close();
      db.close();
    },
  };
}

function list(db: SqliteDatabase, query: IntakeQuery): IntakeRecord[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.source !== undefined) where.push('i.source = ?') && params.push(query.source);
  if (query.outcome !== undefined) where.push('i.outcome = ?') && params.push(query.outcome);
  if (query.since !== undefined) where.push('i.received_at >= ?') && params.push(query.since.toISOString());
  for (const [kind, value] of [
    ['u', query.userId],
    ['g', query.groupId],
  ] as const) {
    if (value === undefined) continue;
    where.push(`i.request_id IN (SELECT request_id FROM intake_key WHERE kind = '${kind}' AND key = ?)`);
    params.push(value);
  }
  const sql = `SELECT record FROM intake i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY i.received_at DESC, i.rowid DESC LIMIT ?`;
  const rows = db.prepare(sql).all(...params, query.limit) as { record: string }[];
  return rows.map((row) => JSON.parse(row.record) as IntakeRecord);
}

function listAttempts(db: SqliteDatabase, query: AttemptQuery): AttemptRecord[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.userId !== undefined) where.push('user_id = ?') && params.push(query.userId);
  if (query.groupId !== undefined) where.push('group_id = ?') && params.push(query.groupId);
  if (query.principal !== undefined) where.push('principal = ?') && params.push(query.principal);
  if (query.since !== undefined) where.push('at >= ?') && params.push(query.since.toISOString());
  const sql = `SELECT record FROM attempt ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY at DESC, seq DESC LIMIT ?`;
  const rows = db.prepare(sql).all(...params, query.limit) as { record: string }[];
  return rows.map((row) => JSON.parse(row.record) as AttemptRecord);
}
