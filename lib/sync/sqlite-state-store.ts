// The embedded sync state store (better-sqlite3): the local default, one file beside the local queue.
import type { Statement } from 'better-sqlite3';
import { openSqliteDatabase } from '../queue/sqlite-db.ts';
import type { PreviousEntity } from './diff.ts';
import type { Fingerprint } from './fingerprint.ts';
import type { RunCounts, RunRecord, StateEntry, SyncStateStore } from './state-store.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sync_state (
    sync TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
    hash TEXT NOT NULL, attributes TEXT NOT NULL, seen_run INTEGER NOT NULL,
    PRIMARY KEY (sync, kind, key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS sync_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sync TEXT NOT NULL, file TEXT NOT NULL, mode TEXT NOT NULL,
    dry_run INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
    error TEXT, counts TEXT NOT NULL
  );
`;

const LOOKUP_CHUNK = 500;

export function openSqliteStateStore(path: string): SyncStateStore {
  const db = openSqliteDatabase(path);
  db.exec(SCHEMA);

  const upsert = db.prepare(
    `INSERT INTO sync_state (sync, kind, key, hash, attributes, seen_run) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (sync, kind, key) DO UPDATE SET hash = excluded.hash, attributes = excluded.attributes, seen_run = excluded.seen_run`,
  );
  const remove = db.prepare('DELETE FROM sync_state WHERE sync = ? AND kind = ? AND key = ?');
  // Statements over a chunk of keys, prepared once per chunk size (most chunks are full, so few are prepared).
  const byKeys = (sql: (placeholders: string) => string) => {
    const statements = new Map<number, Statement>();
    return (n: number) => {
      let statement = statements.get(n);
      if (!statement) {
        statement = db.prepare(sql(`${'?,'.repeat(n - 1)}?`));
        statements.set(n, statement);
      }
      return statement;
    };
  };
  // One JSON parameter instead of hundreds of bound ones: binding is most of a lookup's cost.
  const lookupStatement = db.prepare(
    'SELECT key, hash, seen_run FROM sync_state WHERE sync = ? AND kind = ? AND key IN (SELECT value FROM json_each(?))',
  );
  // Fingerprints are read only for entities whose hash moved (a few per run), not for every row looked up.
  const fingerprintOf = db.prepare<[string, string, string], { attributes: string }>(
    'SELECT attributes FROM sync_state WHERE sync = ? AND kind = ? AND key = ?',
  );
  const loadFingerprint = ({ sync, kind, key }: EntityRef): Fingerprint =>
    JSON.parse(fingerprintOf.get(sync, kind, key)?.attributes ?? '{}');
  const markSeen = byKeys(
    (keys) => `UPDATE sync_state SET seen_run = ? WHERE sync = ? AND kind = ? AND key IN (${keys})`,
  );

  const commit = db.transaction(
    (sync: string, kind: string, runId: number, changed: readonly StateEntry[], seen: readonly string[]) => {
      for (const { key, state } of changed)
        upsert.run(sync, kind, key, state.hash, JSON.stringify(state.attributes), runId);
      for (let i = 0; i < seen.length; i += LOOKUP_CHUNK) {
        const chunk = seen.slice(i, i + LOOKUP_CHUNK);
        markSeen(chunk.length).run(runId, sync, kind, ...chunk);
      }
    },
  );
  const forget = db.transaction((sync: string, kind: string, keys: readonly string[]) => {
    for (const key of keys) remove.run(sync, kind, key);
  });

  return {
    async startRun(run) {
      const info = db
        .prepare(
          `INSERT INTO sync_runs (sync, file, mode, dry_run, started_at, status, counts) VALUES (?, ?, ?, ?, ?, 'running', '{}')`,
        )
        .run(run.sync, run.file, run.mode, run.dryRun ? 1 : 0, run.startedAt.toISOString());
      return Number(info.lastInsertRowid);
    },
    async finishRun(id, result) {
      db.prepare('UPDATE sync_runs SET finished_at = ?, status = ?, error = ?, counts = ? WHERE id = ?').run(
        new Date().toISOString(),
        result.status,
        result.error ?? null,
        JSON.stringify(result.counts),
        id,
      );
    },
    async runs({ sync, limit }) {
      const rows = (
        sync
          ? db.prepare('SELECT * FROM sync_runs WHERE sync = ? ORDER BY id DESC LIMIT ?').all(sync, limit)
          : db.prepare('SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?').all(limit)
      ) as RunRow[];
      return rows.map(toRunRecord);
    },
    async lookup(sync, kind, keys) {
      const found = new Map<string, PreviousEntity & { seenRun: number }>();
      for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) {
        const chunk = keys.slice(i, i + LOOKUP_CHUNK);
        const rows = lookupStatement.all(sync, kind, JSON.stringify(chunk)) as StateRow[];
        for (const row of rows) {
          found.set(
            row.key,
            new LazyEntity(row.hash, row.seen_run, { sync, kind, key: row.key }, loadFingerprint),
          );
        }
      }
      return found;
    },
    async commit(sync, kind, runId, changed, seen) {
      commit(sync, kind, runId, changed, seen);
    },
    async count(sync, kind) {
      return (
        db.prepare('SELECT count(*) AS n FROM sync_state WHERE sync = ? AND kind = ?').get(sync, kind) as {
          n: number;
        }
      ).n;
    },
    async countUnseen(sync, kind, runId) {
      const row = db
        .prepare('SELECT count(*) AS n FROM sync_state WHERE sync = ? AND kind = ? AND seen_run <> ?')
        .get(sync, kind, runId) as { n: number };
      return row.n;
    },
    async *unseen(sync, kind, runId, batchSize) {
      const page = db.prepare(
        'SELECT key, hash, attributes FROM sync_state WHERE sync = ? AND kind = ? AND seen_run <> ? AND key > ? ORDER BY key LIMIT ?',
      );
      let after = '';
      for (;;) {
        const rows = page.all(sync, kind, runId, after, batchSize) as StateRow[];
        if (rows.length === 0) return;
        after = (rows.at(-1) as StateRow).key;
        yield rows.map((r) => ({
          key: r.key,
          state: { hash: r.hash, attributes: JSON.parse(r.attributes) },
        }));
      }
    },
    async forget(sync, kind, keys) {
      forget(sync, kind, keys);
    },
    async close() {
      db.close();
    },
  };
}

/** A looked-up entity whose fingerprint is read from the file only if asked for. */
interface EntityRef {
  sync: string;
  kind: string;
  key: string;
}

// A class, not a closure per row: lookups run for every row read, and closures would dominate the allocations.
class LazyEntity implements PreviousEntity {
  constructor(
    readonly hash: string,
    readonly seenRun: number,
    private readonly ref: EntityRef,
    private readonly load: (ref: EntityRef) => Fingerprint,
  ) {}

  attributes(): Fingerprint {
    return this.load(this.ref);
  }
}

interface StateRow {
  key: string;
  hash: string;
  attributes: string;
  seen_run: number;
}

interface RunRow {
  id: number;
  sync: string;
  file: string;
  mode: string;
  dry_run: number;
  started_at: string;
  finished_at: string | null;
  status: RunRecord['status'];
  error: string | null;
  counts: string;
}

function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    sync: row.sync,
    file: row.file,
    mode: row.mode,
    dryRun: row.dry_run === 1,
    startedAt: row.started_at,
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    status: row.status,
    ...(row.error ? { error: row.error } : {}),
    counts: JSON.parse(row.counts) as RunCounts,
  };
}
