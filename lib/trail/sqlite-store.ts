// The trail on SQLite (`.local/trail.db`, mode 0600): the one trail module doing local I/O.
// Records are stored whole as JSON; side tables index them by event id, command id and user/group id, so each
// lookup `events` makes is one indexed query, as the DynamoDB layout makes each one Query.
import { chmodSync, existsSync } from 'node:fs';
import { openSqliteDatabase, type SqliteDatabase } from '../sqlite/sqlite-db.ts';
import { TrailError } from './errors.ts';
import type { TrailStore } from './store.ts';
import type { AttemptQuery, AttemptRecord, IntakeQuery, IntakeRecord, SyncRunRecord } from './types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS intake (
  request_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  received_at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS intake_by_time ON intake (received_at);
CREATE INDEX IF NOT EXISTS intake_by_source ON intake (source, received_at);
CREATE INDEX IF NOT EXISTS intake_by_outcome ON intake (outcome, received_at);
CREATE INDEX IF NOT EXISTS intake_by_expiry ON intake (expires_at);
-- kind: e (sender event id), c (command id), u (user id), g (group id)
CREATE TABLE IF NOT EXISTS intake_key (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  received_at TEXT NOT NULL,
  request_id TEXT NOT NULL,
  PRIMARY KEY (kind, key, request_id)
);
CREATE INDEX IF NOT EXISTS intake_key_by_request ON intake_key (request_id);
CREATE TABLE IF NOT EXISTS attempt (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  command_id TEXT NOT NULL,
  at TEXT NOT NULL,
  user_id TEXT,
  group_id TEXT,
  principal TEXT,
  expires_at INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempt_by_command ON attempt (command_id, at);
CREATE INDEX IF NOT EXISTS attempt_by_time ON attempt (at);
CREATE INDEX IF NOT EXISTS attempt_by_user ON attempt (user_id, at);
CREATE INDEX IF NOT EXISTS attempt_by_group ON attempt (group_id, at);
CREATE INDEX IF NOT EXISTS attempt_by_principal ON attempt (principal, at);
CREATE INDEX IF NOT EXISTS attempt_by_expiry ON attempt (expires_at);
CREATE TABLE IF NOT EXISTS sync_run (
  run_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  started_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sync_run_by_name ON sync_run (name, started_at);
CREATE INDEX IF NOT EXISTS sync_run_by_time ON sync_run (started_at);
`;

export function openSqliteTrail(path: string): TrailStore {
  let db: SqliteDatabase;
  try {
    // Created empty with 0600 before SQLite opens it: bodies and headers are customer data.
    if (path !== ':memory:' && !existsSync(path)) {
      openSqliteDatabase(path).close();
      chmodSync(path, 0o600);
    }
    // Never synced to disk: the queue is the source of truth, and a checkpoint's flush would stall every webhook
    // answered meanwhile (it runs on the event loop). A power loss may cost the trail its last records, not a
    // webhook.
    db = openSqliteDatabase(path, { synchronous: 'off' });
    db.exec(SCHEMA);
  } catch (error) {
    throw new TrailError('trail_unavailable', `the trail database ${path} could not be opened`, {
      cause: error,
    });
  }
  return sqliteTrail(db);
}

function sqliteTrail(db: SqliteDatabase): TrailStore {
  const insertIntake = db.prepare(
    `INSERT OR REPLACE INTO intake (request_id, source, received_at, outcome, expires_at, record)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertKey = db.prepare(
    'INSERT OR IGNORE INTO intake_key (kind, key, received_at, request_id) VALUES (?, ?, ?, ?)',
  );
  const insertAttempt = db.prepare(
    `INSERT INTO attempt (command_id, at, user_id, group_id, principal, expires_at, record)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertSyncRun = db.prepare(
    `INSERT OR REPLACE INTO sync_run (run_id, name, started_at, expires_at, record) VALUES (?, ?, ?, ?, ?)`,
  );
  const byRequest = db.prepare('SELECT record FROM intake WHERE request_id = ?');
  const byKey = db.prepare(
    `SELECT request_id FROM intake_key WHERE kind = ? AND key = ? ORDER BY received_at DESC LIMIT 1`,
  );
  const writeIntake = (r: IntakeRecord) => {
    insertIntake.run(r.requestId, r.source, r.receivedAt, r.outcome, r.expiresAt, JSON.stringify(r));
    const keys: [string, string][] = r.eventIds.map((id) => ['e', id]);
    for (const event of r.events) {
      for (const command of event.commands) {
        keys.push(['c', command.id]);
        if (command.userId) keys.push(['u', command.userId]);
        if (command.groupId) keys.push(['g', command.groupId]);
      }
    }
    // Once each: a webhook's commands mostly name the same user, and every statement costs a B-tree walk.
    const seen = new Set<string>();
    for (const [kind, key] of keys) {
      const once = `${kind}\u0000${key}`;
      if (seen.has(once)) continue;
      seen.add(once);
      insertKey.run(kind, key, r.receivedAt, r.requestId);
    }
  };
  // One transaction for a batch, not a savepoint per record inside it.
  const putIntakes = db.transaction((records: readonly IntakeRecord[]) => {
    for (const record of records) writeIntake(record);
  });
  const purge = db.transaction((nowSeconds: number) => {
    const intakes = db.prepare('DELETE FROM intake WHERE expires_at <= ?').run(nowSeconds).changes;
    db.prepare('DELETE FROM intake_key WHERE request_id NOT IN (SELECT request_id FROM intake)').run();
    const attempts = db.prepare('DELETE FROM attempt WHERE expires_at <= ?').run(nowSeconds).changes;
    const runs = db.prepare('DELETE FROM sync_run WHERE expires_at <= ?').run(nowSeconds).changes;
    return intakes + attempts + runs;
  });

  // Group commit: intakes written in the same turn of the event loop (concurrent webhooks) share one
  // transaction. A commit is most of a write's cost, and ingest must not pay one per request under load.
  let pending: { record: IntakeRecord; resolve: () => void; reject: (error: unknown) => void }[] = [];
  const flushIntakes = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      putIntakes(batch.map((item) => item.record));
      for (const item of batch) item.resolve();
    } catch (error) {
      const failure = new TrailError('trail_unavailable', 'trail write failed', { cause: error });
      for (const item of batch) item.reject(failure);
    }
  };
  const queueIntake = (record: IntakeRecord) =>
    new Promise<void>((resolve, reject) => {
      if (pending.push({ record, resolve, reject }) === 1) setImmediate(flushIntakes);
    });

  const guard = <T>(what: string, run: () => T): Promise<T> => {
    try {
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(new TrailError('trail_unavailable', `trail ${what} failed`, { cause: error }));
    }
  };

  return {
    putIntake: queueIntake,
    putAttempt: (r) =>
      guard('write', () => {
        insertAttempt.run(
          r.commandId,
          r.at,
          r.userId ?? null,
          r.groupId ?? null,
          r.principal ?? null,
          r.expiresAt,
          JSON.stringify(r),
        );
      }),
    putSyncRun: (r) =>
      guard('write', () => {
        insertSyncRun.run(r.runId, r.name, r.startedAt, r.expiresAt, JSON.stringify(r));
      }),
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
    purgeExpired: (now) => guard('purge', () => purge(Math.floor(now.getTime() / 1000))),
    close: () => {
      // What was queued before the close is written, not lost.
      flushIntakes();
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
