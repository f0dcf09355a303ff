// The SQLite trail's schema and every write it makes, shared by the writer thread (sqlite-writer.worker.mjs) and
// the in-thread store of a `:memory:` trail, which no other thread can open. Plain JavaScript on purpose: a worker
// thread inherits neither tsx's loader (the CLI registers it in-process) nor vitest's transform, so the code it
// runs must load as it is. Types: sqlite-writes.d.mts.
//
// Records are stored whole as JSON; side tables index them by event id, command id and user/group id, so each
// lookup `events` makes is one indexed query, as the DynamoDB layout makes each one Query.

export const SCHEMA = `
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

/**
 * The trail's writes over one open better-sqlite3 connection whose schema exists.
 * @param {import('better-sqlite3').Database} db
 */
export function trailWrites(db) {
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
    'INSERT OR REPLACE INTO sync_run (run_id, name, started_at, expires_at, record) VALUES (?, ?, ?, ?, ?)',
  );

  const writeIntake = (r) => {
    insertIntake.run(r.requestId, r.source, r.receivedAt, r.outcome, r.expiresAt, JSON.stringify(r));
    // Once each: a webhook's commands mostly name the same user, and every statement costs a B-tree walk.
    const seen = new Set();
    const key = (kind, value) => {
      const once = `${kind}\u0000${value}`;
      if (seen.has(once)) return;
      seen.add(once);
      insertKey.run(kind, value, r.receivedAt, r.requestId);
    };
    for (const id of r.eventIds) key('e', id);
    for (const event of r.events) {
      for (const command of event.commands) {
        key('c', command.id);
        if (command.userId) key('u', command.userId);
        if (command.groupId) key('g', command.groupId);
      }
    }
  };
  const writeAttempt = (r) => {
    insertAttempt.run(
      r.commandId,
      r.at,
      r.userId ?? null,
      r.groupId ?? null,
      r.principal ?? null,
      r.expiresAt,
      JSON.stringify(r),
    );
  };
  const writeSyncRun = (r) => {
    insertSyncRun.run(r.runId, r.name, r.startedAt, r.expiresAt, JSON.stringify(r));
  };
  const purge = (nowSeconds) => {
    const intakes = db.prepare('DELETE FROM intake WHERE expires_at <= ?').run(nowSeconds).changes;
    db.prepare('DELETE FROM intake_key WHERE request_id NOT IN (SELECT request_id FROM intake)').run();
    const attempts = db.prepare('DELETE FROM attempt WHERE expires_at <= ?').run(nowSeconds).changes;
    const runs = db.prepare('DELETE FROM sync_run WHERE expires_at <= ?').run(nowSeconds).changes;
    return intakes + attempts + runs;
  };

  /** One write, by kind; returns what the caller is answered (a purge's count). */
  const apply = (write) => {
    switch (write.kind) {
      case 'intake':
        return writeIntake(write.record);
      case 'attempt':
        return writeAttempt(write.record);
      case 'syncRun':
        return writeSyncRun(write.record);
      case 'purge':
        return purge(write.nowSeconds);
      default:
        throw new Error(`unknown trail write ${write.kind}`);
    }
  };
  // Group commit: one transaction for the whole batch, as a commit is most of what a write costs.
  const applyAll = db.transaction((writes) => writes.map(apply));

  /**
   * Applies writes in order, all in one transaction; when that fails, each on its own, so one write the store
   * refuses costs only its own caller. Never throws: each write's outcome is in the result, by position.
   */
  return (writes) => {
    try {
      return applyAll(writes).map((value) => ({ ok: true, value }));
    } catch {
      return writes.map((write) => {
        try {
          return { ok: true, value: db.transaction(apply)(write) };
        } catch (error) {
          return { ok: false, error: describe(error) };
        }
      });
    }
  };
}

/** What crosses a thread boundary of an error: its message and SQLite's code, never a record. */
export function describe(error) {
  const code = error && typeof error === 'object' && typeof error.code === 'string' ? error.code : undefined;
  return { message: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) };
}
