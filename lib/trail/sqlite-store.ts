// The trail on SQLite (`.local/trail.db`, mode 0600). This module opens the file, creates the schema and reads;
// writes go through sqlite-writer.ts, on a thread of their own once it is running (the schema and the writes
// themselves are in sqlite-writes.mjs). Reading on this thread's connection while another writes is what WAL is
// for: a reader never waits on the writer, and sees each write once its promise has resolved.
import { chmodSync, existsSync } from 'node:fs';
import { openSqliteDatabase, type SqliteDatabase } from '../sqlite/sqlite-db.ts';
import { TrailError } from './errors.ts';
import { sqliteWriter, type TrailWriter } from './sqlite-writer.ts';
import { SCHEMA, termOf, upgradeSchema } from './sqlite-writes.mjs';
import type { TrailStore } from './store.ts';
import type {
  AttemptQuery,
  AttemptRecord,
  IntakeQuery,
  IntakeRecord,
  SyncRunRecord,
  TrailBody,
} from './types.ts';

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
    upgradeSchema(db);
  } catch (error) {
    throw new TrailError('trail_unavailable', `the trail database ${path} could not be opened`, {
      cause: error,
    });
  }
  return sqliteTrail(db, sqliteWriter(db, path));
}

function sqliteTrail(db: SqliteDatabase, writer: TrailWriter): TrailStore {
  const byRequest = db.prepare('SELECT record, body FROM intake WHERE request_id = ?');
  const byTerm = db.prepare(
    `SELECT record, body FROM intake WHERE rowid IN (SELECT rowid FROM intake_terms WHERE intake_terms MATCH ?)
     ORDER BY received_at DESC, rowid DESC LIMIT 1`,
  );

  const guard = <T>(what: string, run: () => T): Promise<T> => {
    try {
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(new TrailError('trail_unavailable', `trail ${what} failed`, { cause: error }));
    }
  };

  return {
    // Not async functions: a suspended one would hold its record (a webhook's body) until the commit, past a
    // young-generation collection; only the row made from it crosses, and only the caller's promise waits.
    putIntake: (record) => writer.write({ kind: 'intake', record }).then(nothing),
    putAttempt: (record) => writer.write({ kind: 'attempt', record }).then(nothing),
    putSyncRun: (record) => writer.write({ kind: 'syncRun', record }).then(nothing),
    listIntakes: (query) => guard('read', () => list(db, query)),
    findIntake: (id) =>
      guard('read', () => {
        const direct = byRequest.get(id) as IntakeRow | undefined;
        if (direct) return intakeOf(direct);
        for (const kind of ['e', 'c'] as const) {
          // The newest: an event sent again is found as it was last received.
          const row = byTerm.get(match(kind, id)) as IntakeRow | undefined;
          if (row) return intakeOf(row);
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
    claimConfirmation: async (id, expiresAt) =>
      (await writer.write({ kind: 'confirmation', id, expiresAt })) as boolean,
    purgeExpired: async (now) =>
      (await writer.write({ kind: 'purge', nowSeconds: Math.floor(now.getTime() / 1000) })) as number,
    close: () => {
      // What was written before the close is committed first, not lost.
      writer.close();
      db.close();
    },
  };
}

const nothing = (): void => {};

type IntakeRow = { record: string; body: string | null };
type KeyKind = Parameters<typeof termOf>[0];

/** A row back as its record: the body's text rejoins the JSON it is stored beside (older rows hold it inside). */
function intakeOf(row: IntakeRow): IntakeRecord {
  const record = JSON.parse(row.record) as IntakeRecord;
  if (row.body !== null) record.body = { ...record.body, text: row.body } as TrailBody;
  return record;
}

/** The FTS5 query for one key's term (letters and digits, so quoting is all it needs). */
function match(kind: KeyKind, value: string): string {
  return `"${termOf(kind, value)}"`;
}

function list(db: SqliteDatabase, query: IntakeQuery): IntakeRecord[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.source !== undefined) where.push('i.source = ?') && params.push(query.source);
  if (query.outcome !== undefined) where.push('i.outcome = ?') && params.push(query.outcome);
  if (query.since !== undefined) where.push('i.received_at >= ?') && params.push(query.since.toISOString());
  const byTerm = 'i.rowid IN (SELECT rowid FROM intake_terms WHERE intake_terms MATCH ?)';
  if (query.userId !== undefined) where.push(byTerm) && params.push(match('u', query.userId));
  if (query.groupId !== undefined) where.push(byTerm) && params.push(match('g', query.groupId));
  const sql = `SELECT record, body FROM intake i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY i.received_at DESC, i.rowid DESC LIMIT ?`;
  const rows = db.prepare(sql).all(...params, query.limit) as IntakeRow[];
  return rows.map(intakeOf);
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
