// The embedded sync state store (better-sqlite3): the local default, one file beside the local queue.
import { openSqliteDatabase } from '../sqlite/sqlite-db.ts';
import type { Fingerprint } from './fingerprint.ts';
import type { RunCounts, RunRecord, ScannedEntry, StateEntry, SyncStateStore } from './state-store.ts';

// `seen_run`: the run that last stored the entry. `gone_run`: the run that found it gone from its query (mirror
// mode), for the removal pass that follows the deletion cap check.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sync_state (
    sync TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
    hash TEXT NOT NULL, attributes TEXT NOT NULL, seen_run INTEGER NOT NULL, gone_run INTEGER,
    PRIMARY KEY (sync, kind, key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS sync_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sync TEXT NOT NULL, file TEXT NOT NULL, mode TEXT NOT NULL,
    dry_run INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
    error TEXT, counts TEXT NOT NULL
  );
`;

export function openSqliteStateStore(path: string): SyncStateStore {
  const db = openSqliteDatabase(path);
  // better-sqlite3's default page cache is 16 MB. A run reads the state once, in order (a merge), and touches
  // again only pages it just read: 2 MB serve it as well, and keep a big state from growing the process.
  db.pragma('cache_size = -2000');
  db.exec(SCHEMA);
  // State files written before gone marks existed.
  if (!db.prepare("SELECT 1 FROM pragma_table_info('sync_state') WHERE name = 'gone_run'").get()) {
    db.exec('ALTER TABLE sync_state ADD COLUMN gone_run INTEGER');
  }
  // Only the few entries marked gone are in it: the removal pass reads them without scanning the kind.
  db.exec(
    'CREATE INDEX IF NOT EXISTS sync_state_gone ON sync_state (sync, kind, gone_run, key) WHERE gone_run IS NOT NULL',
  );

  const upsert = db.prepare(
    `INSERT INTO sync_state (sync, kind, key, hash, attributes, seen_run) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (sync, kind, key) DO UPDATE SET hash = excluded.hash, attributes = excluded.attributes,
       seen_run = excluded.seen_run, gone_run = NULL`,
  );
  const markGone = db.prepare('UPDATE sync_state SET gone_run = ? WHERE sync = ? AND kind = ? AND key = ?');
  const remove = db.prepare('DELETE FROM sync_state WHERE sync = ? AND kind = ? AND key = ?');
  // The primary key is the table's order (WITHOUT ROWID), and BINARY collation compares UTF-8 bytes: a page is a
  // range read in the merge's order. A scan reads every stored entry of the kind, every run, and making a
  // JavaScript string per value is most of its cost: one string per entry, split here (a hash has no space).
  const scanPage = db
    .prepare<[string, string, string, number], string>(
      "SELECT hash || ' ' || key FROM sync_state WHERE sync = ? AND kind = ? AND key > ? ORDER BY key LIMIT ?",
    )
    .pluck();
  // Fingerprints are read only for entities whose hash moved (a few per run), not for every entry scanned.
  const fingerprintOf = db.prepare<[string, string, string], { attributes: string }>(
    'SELECT attributes FROM sync_state WHERE sync = ? AND kind = ? AND key = ?',
  );
  const gonePage = db.prepare<[string, string, number, string, number], StateRow>(
    // Named: without statistics the planner walks the whole kind by primary key instead.
    'SELECT key, hash, attributes FROM sync_state INDEXED BY sync_state_gone WHERE sync = ? AND kind = ? AND gone_run = ? AND key > ? ORDER BY key LIMIT ?',
  );

  const commit = db.transaction(
    (
      sync: string,
      kind: string,
      runId: number,
      changed: readonly StateEntry[],
      gone: readonly ScannedEntry[],
    ) => {
      for (const { key, state } of changed)
        upsert.run(sync, kind, key, state.hash, JSON.stringify(state.attributes), runId);
      for (const { key } of gone) markGone.run(runId, sync, kind, key);
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
    entities(sync, kind) {
      return {
        sync,
        kind,
        async scan(after, limit) {
          const load = (key: string): Fingerprint =>
            JSON.parse(fingerprintOf.get(sync, kind, key)?.attributes ?? '{}');
          const rows = scanPage.all(sync, kind, after, limit);
          const entries: LazyEntity[] = new Array(rows.length);
          for (let i = 0; i < rows.length; i++) {
            const row = rows[i] as string;
            const space = row.indexOf(' ');
            entries[i] = new LazyEntity(row.slice(space + 1), row.slice(0, space), load);
          }
          return entries;
        },
        async commit(runId, { changed, gone }) {
          commit(sync, kind, runId, changed, gone);
        },
        async count() {
          return (
            db
              .prepare('SELECT count(*) AS n FROM sync_state WHERE sync = ? AND kind = ?')
              .get(sync, kind) as {
              n: number;
            }
          ).n;
        },
        async *gone(runId, batchSize) {
          let after = '';
          for (;;) {
            const rows = gonePage.all(sync, kind, runId, after, batchSize);
            if (rows.length === 0) return;
            after = (rows.at(-1) as StateRow).key;
            yield rows.map((r) => ({
              key: r.key,
              state: { hash: r.hash, attributes: JSON.parse(r.attributes) },
            }));
          }
        },
        async forget(keys) {
          forget(sync, kind, keys);
        },
      };
    },
    async close() {
      db.close();
    },
  };
}

// A class, not a closure per entry: a scan reads every stored entry, and closures would dominate the allocations.
class LazyEntity implements ScannedEntry {
  constructor(
    readonly key: string,
    readonly hash: string,
    private readonly load: (key: string) => Fingerprint,
  ) {}

  attributes(): Fingerprint {
    return this.load(this.key);
  }
}

interface StateRow {
  key: string;
  hash: string;
  attributes: string;
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
