// Sync state kept in the user's own PostgreSQL (opt-in `state: database`): no extra store to run in AWS.
// It takes its own connection (a cursor streaming on another would block it) and closes it on close().
import type { Fingerprint } from './fingerprint.ts';
import type { Database } from './postgres.ts';
import type { RunCounts, RunRecord, ScannedEntry, SyncStateStore } from './state-store.ts';

const STATE = 'userflow_bridge_sync_state';
const RUNS = 'userflow_bridge_sync_runs';
const ORDER_INDEX = `${STATE}_c_order`;
const GONE_INDEX = `${STATE}_gone`;
// `seen_run`: the run that last stored the entry; `gone_run`: the run that found it gone from its query (mirror
// mode), for the removal pass that follows the deletion cap check.

export async function openPostgresStateStore(db: Database): Promise<SyncStateStore> {
  await db.query(`
    CREATE TABLE IF NOT EXISTS ${STATE} (
      sync text NOT NULL, kind text NOT NULL, key text NOT NULL,
      hash text NOT NULL, attributes jsonb NOT NULL, seen_run bigint NOT NULL, gone_run bigint,
      PRIMARY KEY (sync, kind, key)
    )`);
  // Tables made before gone marks and ordered scans existed. Looked up first: ALTER and CREATE INDEX would lock
  // the table on every run even when there is nothing to do.
  const [shape] = await db.query<{ gone: boolean; ordered: boolean; goneIndexed: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'gone_run' AND NOT attisdropped) AS gone,
            to_regclass($2) IS NOT NULL AS ordered, to_regclass($3) IS NOT NULL AS "goneIndexed"`,
    [STATE, ORDER_INDEX, GONE_INDEX],
  );
  if (!shape?.gone) await db.query(`ALTER TABLE ${STATE} ADD COLUMN IF NOT EXISTS gone_run bigint`);
  // Scans page in code point order, which `COLLATE "C"` is in a UTF-8 database: this index serves them whatever
  // the database's own collation (the primary key's order).
  if (!shape?.ordered)
    await db.query(`CREATE INDEX IF NOT EXISTS ${ORDER_INDEX} ON ${STATE} (sync, kind, key COLLATE "C")`);
  // Only the few entries marked gone are in it: the removal pass reads them without scanning the kind.
  if (!shape?.goneIndexed) {
    await db.query(
      `CREATE INDEX IF NOT EXISTS ${GONE_INDEX} ON ${STATE} (sync, kind, gone_run, key COLLATE "C") WHERE gone_run IS NOT NULL`,
    );
  }
  await db.query(`
    CREATE TABLE IF NOT EXISTS ${RUNS} (
      id bigserial PRIMARY KEY, sync text NOT NULL, file text NOT NULL, mode text NOT NULL, dry_run boolean NOT NULL,
      started_at timestamptz NOT NULL, finished_at timestamptz, status text NOT NULL, error text, counts jsonb NOT NULL
    )`);

  return {
    async startRun(run) {
      const [row] = await db.query<{ id: string }>(
        `INSERT INTO ${RUNS} (sync, file, mode, dry_run, started_at, status, counts) VALUES ($1, $2, $3, $4, $5, 'running', '{}') RETURNING id`,
        [run.sync, run.file, run.mode, run.dryRun, run.startedAt],
      );
      return Number(row?.id);
    },
    async finishRun(id, result) {
      await db.query(
        `UPDATE ${RUNS} SET finished_at = now(), status = $1, error = $2, counts = $3 WHERE id = $4`,
        [result.status, result.error ?? null, JSON.stringify(result.counts), id],
      );
    },
    async runs({ sync, limit }) {
      const rows = await db.query<RunRow>(
        `SELECT * FROM ${RUNS} WHERE ($1::text IS NULL OR sync = $1) ORDER BY id DESC LIMIT $2`,
        [sync ?? null, limit],
      );
      return rows.map(toRunRecord);
    },
    entities(sync, kind) {
      return {
        sync,
        kind,
        async scan(after, limit) {
          // The fingerprint as text, parsed only if the row's hash moved: jsonb parsed per entry would cost more.
          const rows = await db.query<{ key: string; hash: string; attributes: string }>(
            `SELECT key, hash, attributes::text AS attributes FROM ${STATE}
             WHERE sync = $1 AND kind = $2 AND key COLLATE "C" > $3 ORDER BY key COLLATE "C" LIMIT $4`,
            [sync, kind, after, limit],
          );
          return rows.map((r) => new LazyEntity(r.key, r.hash, r.attributes));
        },
        async commit(runId, { changed, gone }) {
          await db.query('BEGIN');
          try {
            if (changed.length) {
              await db.query(
                `INSERT INTO ${STATE} (sync, kind, key, hash, attributes, seen_run)
                 SELECT $1, $2, k, h, a::jsonb, $3 FROM unnest($4::text[], $5::text[], $6::text[]) AS t(k, h, a)
                 ON CONFLICT (sync, kind, key) DO UPDATE SET hash = excluded.hash, attributes = excluded.attributes,
                   seen_run = excluded.seen_run, gone_run = NULL`,
                [
                  sync,
                  kind,
                  runId,
                  changed.map((c) => c.key),
                  changed.map((c) => c.state.hash),
                  changed.map((c) => JSON.stringify(c.state.attributes)),
                ],
              );
            }
            if (gone.length) {
              await db.query(
                `UPDATE ${STATE} SET gone_run = $1 WHERE sync = $2 AND kind = $3 AND key = ANY($4::text[])`,
                [runId, sync, kind, gone.map((g) => g.key)],
              );
            }
            await db.query('COMMIT');
          } catch (error) {
            await db.query('ROLLBACK').catch(() => {});
            throw error;
          }
        },
        async count() {
          const [row] = await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM ${STATE} WHERE sync = $1 AND kind = $2`,
            [sync, kind],
          );
          return Number(row?.n ?? 0);
        },
        async *gone(runId, batchSize) {
          let after = '';
          for (;;) {
            const rows = await db.query<{ key: string; hash: string; attributes: Record<string, string> }>(
              `SELECT key, hash, attributes FROM ${STATE} WHERE sync = $1 AND kind = $2 AND gone_run = $3 AND key COLLATE "C" > $4
               ORDER BY key COLLATE "C" LIMIT $5`,
              [sync, kind, runId, after, batchSize],
            );
            if (rows.length === 0) return;
            after = (rows.at(-1) as { key: string }).key;
            yield rows.map((r) => ({ key: r.key, state: { hash: r.hash, attributes: r.attributes } }));
          }
        },
        async forget(keys) {
          if (keys.length === 0) return;
          await db.query(`DELETE FROM ${STATE} WHERE sync = $1 AND kind = $2 AND key = ANY($3::text[])`, [
            sync,
            kind,
            keys,
          ]);
        },
      };
    },
    async close() {
      await db.close();
    },
  };
}

class LazyEntity implements ScannedEntry {
  constructor(
    readonly key: string,
    readonly hash: string,
    private readonly fingerprint: string,
  ) {}

  attributes(): Fingerprint {
    return JSON.parse(this.fingerprint) as Fingerprint;
  }
}

interface RunRow extends Record<string, unknown> {
  id: string;
  sync: string;
  file: string;
  mode: string;
  dry_run: boolean;
  started_at: Date;
  finished_at: Date | null;
  status: RunRecord['status'];
  error: string | null;
  counts: RunCounts;
}

function toRunRecord(row: RunRow): RunRecord {
  return {
    id: Number(row.id),
    sync: row.sync,
    file: row.file,
    mode: row.mode,
    dryRun: row.dry_run,
    startedAt: row.started_at.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
    status: row.status,
    ...(row.error ? { error: row.error } : {}),
    counts: row.counts,
  };
}
