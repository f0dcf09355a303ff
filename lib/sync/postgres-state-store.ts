// Sync state kept in the user's own PostgreSQL (opt-in `state: database`): no extra store to run in AWS.
// It takes its own connection (a cursor streaming on another would block it) and closes it on close().
import type { PreviousEntity } from './diff.ts';
import type { Database } from './postgres.ts';
import type { RunCounts, RunRecord, SyncStateStore } from './state-store.ts';

const STATE = 'userflow_bridge_sync_state';
const RUNS = 'userflow_bridge_sync_runs';

export async function openPostgresStateStore(db: Database): Promise<SyncStateStore> {
  await db.query(`
    CREATE TABLE IF NOT EXISTS ${STATE} (
      sync text NOT NULL, kind text NOT NULL, key text NOT NULL,
      hash text NOT NULL, attributes jsonb NOT NULL, seen_run bigint NOT NULL,
      PRIMARY KEY (sync, kind, key)
    )`);
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
    async lookup(sync, kind, keys) {
      const found = new Map<string, PreviousEntity & { seenRun: number }>();
      if (keys.length === 0) return found;
      const rows = await db.query<{
        key: string;
        hash: string;
        attributes: Record<string, string>;
        seen_run: string;
      }>(
        `SELECT key, hash, attributes, seen_run FROM ${STATE} WHERE sync = $1 AND kind = $2 AND key = ANY($3::text[])`,
        [sync, kind, keys],
      );
      for (const r of rows) {
        found.set(r.key, { hash: r.hash, attributes: () => r.attributes, seenRun: Number(r.seen_run) });
      }
      return found;
    },
    async commit(sync, kind, runId, changed, seen) {
      await db.query('BEGIN');
      try {
        if (changed.length) {
          await db.query(
            `INSERT INTO ${STATE} (sync, kind, key, hash, attributes, seen_run)
             SELECT $1, $2, k, h, a::jsonb, $3 FROM unnest($4::text[], $5::text[], $6::text[]) AS t(k, h, a)
             ON CONFLICT (sync, kind, key) DO UPDATE SET hash = excluded.hash, attributes = excluded.attributes, seen_run = excluded.seen_run`,
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
        if (seen.length) {
          await db.query(
            `UPDATE ${STATE} SET seen_run = $1 WHERE sync = $2 AND kind = $3 AND key = ANY($4::text[])`,
            [runId, sync, kind, seen],
          );
        }
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK').catch(() => {});
        throw error;
      }
    },
    async count(sync, kind) {
      const [row] = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${STATE} WHERE sync = $1 AND kind = $2`,
        [sync, kind],
      );
      return Number(row?.n ?? 0);
    },
    async countUnseen(sync, kind, runId) {
      const [row] = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${STATE} WHERE sync = $1 AND kind = $2 AND seen_run <> $3`,
        [sync, kind, runId],
      );
      return Number(row?.n ?? 0);
    },
    async *unseen(sync, kind, runId, batchSize) {
      let after = '';
      for (;;) {
        const rows = await db.query<{ key: string; hash: string; attributes: Record<string, string> }>(
          `SELECT key, hash, attributes FROM ${STATE} WHERE sync = $1 AND kind = $2 AND seen_run <> $3 AND key COLLATE "C" > $4
           ORDER BY key COLLATE "C" LIMIT $5`,
          [sync, kind, runId, after, batchSize],
        );
        if (rows.length === 0) return;
        after = (rows.at(-1) as { key: string }).key;
        yield rows.map((r) => ({ key: r.key, state: { hash: r.hash, attributes: r.attributes } }));
      }
    },
    async forget(sync, kind, keys) {
      if (keys.length === 0) return;
      await db.query(`DELETE FROM ${STATE} WHERE sync = $1 AND kind = $2 AND key = ANY($3::text[])`, [
        sync,
        kind,
        keys,
      ]);
    },
    async close() {
      await db.close();
    },
  };
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
