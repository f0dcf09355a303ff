// The SQLite trail's schema and every write it makes, shared by the writer thread (sqlite-writer.worker.mjs) and
// the in-thread store of a `:memory:` trail, which no other thread can open. Plain JavaScript on purpose: a worker
// thread inherits neither tsx's loader (the CLI registers it in-process) nor vitest's transform, so the code it
// runs must load as it is. Types: sqlite-writes.d.mts.
//
// Records are stored as JSON, an intake's body text in a column of its own (inside the JSON every quote of a JSON
// body would be escaped, a third of a record's cost). Each lookup `events` makes is one indexed query, as the
// DynamoDB layout makes each one Query: by time, source or outcome on the intake table's indexes, and by event,
// command, user or group id through `intake_terms`.
//
// `intake_terms` is an FTS5 index used as a log-structured index of keys, not for text: each commit writes the
// keys it added as one sorted segment, merged with the others later. Command ids are hashes, so in a B-tree
// each one dirtied a page of its own at every commit, half of what writing a record cost. A key is indexed as
// the term `termOf(kind, value)`.
import { createHash } from 'node:crypto';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS intake (
  request_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  received_at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  record TEXT NOT NULL,
  body TEXT
);
CREATE INDEX IF NOT EXISTS intake_by_time ON intake (received_at);
CREATE INDEX IF NOT EXISTS intake_by_source ON intake (source, received_at);
CREATE INDEX IF NOT EXISTS intake_by_outcome ON intake (outcome, received_at);
CREATE INDEX IF NOT EXISTS intake_by_expiry ON intake (expires_at);
-- rowid: the intake row's; terms: termOf() of each key the record holds
CREATE VIRTUAL TABLE IF NOT EXISTS intake_terms USING fts5(terms, content='', contentless_delete=1, detail=none);
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
-- used confirmation tokens, by digest: a row's existence is the claim
CREATE TABLE IF NOT EXISTS confirmation_use (
  id TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Brings a trail file an earlier version made up to SCHEMA (run after it): the body column is added (older rows
 * keep their body inside the JSON), and the `intake_key` table that indexed keys before `intake_terms` is replaced
 * by terms made from each record. In one immediate transaction, so two processes opening the file do it once.
 * @param {import('better-sqlite3').Database} db
 */
export function upgradeSchema(db) {
  const hasBody = () =>
    db.prepare("SELECT name FROM pragma_table_info('intake')").pluck().all().includes('body');
  const hasKeys = () =>
    db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'intake_key'").get() !== undefined;
  // Checked before taking the write lock: a file already up to date opens even where it cannot be written.
  if (hasBody() && !hasKeys()) return;
  db.transaction(() => {
    if (!hasBody()) db.exec('ALTER TABLE intake ADD COLUMN body TEXT');
    if (!hasKeys()) return;
    const page = db.prepare('SELECT rowid, record FROM intake WHERE rowid > ? ORDER BY rowid LIMIT 1000');
    const insertTerms = db.prepare('INSERT OR REPLACE INTO intake_terms (rowid, terms) VALUES (?, ?)');
    for (let rows = page.all(0); rows.length > 0; rows = page.all(rows.at(-1).rowid)) {
      for (const row of rows) insertTerms.run(row.rowid, termsOf(keysOf(JSON.parse(row.record))));
    }
    db.exec('DROP TABLE intake_key');
  }).immediate();
}

/**
 * A write as it crosses to the writer thread: each record already in its columns, its JSON made by the caller.
 * A structured clone of strings is a copy; of a record's object graph it cost ~10 µs on each side. Throws on
 * a record that is not one (no events, say): the caller fails that write alone.
 * @param {import('./sqlite-writes.d.mts').TrailWrite} write
 * @returns {import('./sqlite-writes.d.mts').RowWrite}
 */
export function rowOf(write) {
  switch (write.kind) {
    case 'intake': {
      const r = write.record;
      const { record, body } = splitBody(r);
      return {
        kind: 'intake',
        values: [r.requestId, r.source, r.receivedAt, r.outcome, r.expiresAt, record, body],
        keys: keysOf(r),
      };
    }
    case 'attempt': {
      const r = write.record;
      const values = [r.commandId, r.at, r.userId ?? null, r.groupId ?? null, r.principal ?? null];
      return { kind: 'attempt', values: [...values, r.expiresAt, JSON.stringify(r)] };
    }
    case 'syncRun': {
      const r = write.record;
      return { kind: 'syncRun', values: [r.runId, r.name, r.startedAt, r.expiresAt, JSON.stringify(r)] };
    }
    default:
      return write;
  }
}

/**
 * The trail's writes (`rowOf` each) over one open better-sqlite3 connection whose schema exists.
 * @param {import('better-sqlite3').Database} db
 */
export function trailWrites(db) {
  // An upsert keeps the row's rowid, which its terms are filed under.
  const insertIntake = db.prepare(
    `INSERT INTO intake (request_id, source, received_at, outcome, expires_at, record, body)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (request_id) DO UPDATE SET source = excluded.source, received_at = excluded.received_at,
       outcome = excluded.outcome, expires_at = excluded.expires_at, record = excluded.record, body = excluded.body
     RETURNING rowid`,
  );
  const insertTerms = db.prepare('INSERT OR REPLACE INTO intake_terms (rowid, terms) VALUES (?, ?)');
  const insertAttempt = db.prepare(
    `INSERT INTO attempt (command_id, at, user_id, group_id, principal, expires_at, record)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertSyncRun = db.prepare(
    'INSERT OR REPLACE INTO sync_run (run_id, name, started_at, expires_at, record) VALUES (?, ?, ?, ?, ?)',
  );
  // SQLite's write lock orders the claims of this thread and of other processes alike: the first inserts the
  // row, the rest change nothing.
  const claimConfirmation = db.prepare(
    'INSERT INTO confirmation_use (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING',
  );

  const purge = (nowSeconds) => {
    db.prepare(
      'DELETE FROM intake_terms WHERE rowid IN (SELECT rowid FROM intake WHERE expires_at <= ?)',
    ).run(nowSeconds);
    const intakes = db.prepare('DELETE FROM intake WHERE expires_at <= ?').run(nowSeconds).changes;
    const attempts = db.prepare('DELETE FROM attempt WHERE expires_at <= ?').run(nowSeconds).changes;
    const runs = db.prepare('DELETE FROM sync_run WHERE expires_at <= ?').run(nowSeconds).changes;
    db.prepare('DELETE FROM confirmation_use WHERE expires_at <= ?').run(nowSeconds);
    return intakes + attempts + runs;
  };

  /** One write, by kind; returns what the caller is answered (a purge's count). */
  const apply = (write) => {
    switch (write.kind) {
      case 'intake':
        return void insertTerms.run(insertIntake.get(...write.values).rowid, termsOf(write.keys));
      case 'attempt':
        return void insertAttempt.run(...write.values);
      case 'syncRun':
        return void insertSyncRun.run(...write.values);
      case 'confirmation':
        return claimConfirmation.run(write.id, write.expiresAt).changes === 1;
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

/**
 * The term a key is indexed under: `kind` is e (sender event id), c (command id), u (user id) or g (group id),
 * and the value is written in hex, so any id (an email, one with spaces) is one token, exactly; the tokenizer
 * splits at everything but letters and digits. The kind is one letter and the hex even-length: never ambiguous.
 * FTS5 cuts a token at 32 KiB, so an id longer than `MAX_PLAIN_ID_BYTES` is indexed by its SHA-256 instead,
 * after a `z` no hex holds (as the DynamoDB layout digests an id too long for a key).
 * @param {'e' | 'c' | 'u' | 'g'} kind
 * @param {string} value
 */
export function termOf(kind, value) {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.byteLength > MAX_PLAIN_ID_BYTES)
    return `${kind}z${createHash('sha256').update(bytes).digest('hex')}`;
  return `${kind}${bytes.toString('hex')}`;
}

const MAX_PLAIN_ID_BYTES = 1024;

/**
 * Every key an intake record can be found by, once each (a webhook's commands mostly name the same user), as
 * kind and value: its sender event ids, and its commands' ids, users and groups. Made by the caller, and made
 * terms on the writer thread: hex is ~1 µs a key, for the event loop to spare.
 */
function keysOf(r) {
  const seen = new Set();
  const keys = [];
  const add = (kind, value) => {
    const key = `${kind}\u0000${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    keys.push(kind, value);
  };
  for (const id of r.eventIds) add('e', id);
  for (const event of r.events) {
    for (const command of event.commands) {
      add('c', command.id);
      if (command.userId) add('u', command.userId);
      if (command.groupId) add('g', command.groupId);
    }
  }
  return keys;
}

/** `keysOf`'s pairs (kind, value, kind, value, …) as the space-separated terms `intake_terms` indexes. */
function termsOf(keys) {
  const terms = [];
  for (let i = 0; i < keys.length; i += 2) terms.push(termOf(keys[i], keys[i + 1]));
  return terms.join(' ');
}

/** The record's JSON without the body's text, and that text (null when the body was not stored). */
function splitBody(r) {
  if (!r.body.stored) return { record: JSON.stringify(r), body: null };
  const { text, ...rest } = r.body;
  return { record: JSON.stringify({ ...r, body: rest }), body: text };
}

/** What crosses a thread boundary of an error: its message and SQLite's code, never a record. */
export function describe(error) {
  const code = error && typeof error === 'object' && typeof error.code === 'string' ? error.code : undefined;
  return { message: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) };
}
