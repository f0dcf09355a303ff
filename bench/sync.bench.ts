// Database sync: rows/s diffed (no change, 1% changed, and in mirror mode) against the raw cursor read of the same
// query, and peak memory at 10,000 vs 100,000 rows (each size in a fresh process, so the figures do not share a
// heap).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteQueues } from '../lib/queue/sqlite/sqlite-queue.ts';
import type { SyncStateStore } from '../lib/sync/index.ts';
import { parseSyncFile, runSync, type SyncFile } from '../lib/sync/index.ts';
import { connectPostgres, type Database } from '../lib/sync/postgres.ts';
import { openSqliteStateStore } from '../lib/sync/sqlite-state-store.ts';
import { startPostgres } from './postgres.ts';
import { percentile, report, round } from './report.ts';

const ROWS = 100_000;
const ROUNDS = 5;
const usersQuery = (table: string) =>
  `SELECT id, email, name, plan, seats, signed_up_at, active FROM ${table}`;
const syncFile = (table: string, extra = '') =>
  parseSyncFile(`${table}.yaml`, `connection: DATABASE_URL\n${extra}users:\n  query: ${usersQuery(table)}\n`);

async function child(url: string, table: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ufb-sync-bench-'));
  const db = await connectPostgres({ url, label: 'DATABASE_URL' });
  const state = openSqliteStateStore(join(dir, 'state.db'));
  const queues = openSqliteQueues({
    path: join(dir, 'queue.db'),
    mainName: 'sync',
    dlqName: 'sync-dlq',
    maxReceiveCount: 40,
    visibilityTimeoutSeconds: 30,
  });
  const file = syncFile(table);
  await runSync({ file, db, state, queue: queues.main });
  await runSync({ file, db, state, queue: queues.main });
  await db.close();
  await state.close();
  queues.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

/** Rows/s of the raw read and of the sync, round by round, interleaved so drift on a shared machine hits both. */
interface Rounds {
  raw: number[];
  sync: number[];
  queued: number;
}

const rate = (rows: number, started: number) => rows / ((performance.now() - started) / 1000);
const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function rounds(
  db: Database,
  state: SyncStateStore,
  queue: Parameters<typeof runSync>[0]['queue'],
  file: SyncFile,
  before: (round: number) => Promise<void>,
): Promise<Rounds> {
  const out: Rounds = { raw: [], sync: [], queued: 0 };
  // Round 0 warms both paths up (JIT, caches) and is not counted.
  for (let i = 0; i <= ROUNDS; i++) {
    await before(i);
    let started = performance.now();
    let rows = 0;
    for await (const batch of db.stream(file.users?.query ?? '', file.batch_size)) rows += batch.rows.length;
    const raw = rate(rows, started);
    started = performance.now();
    const result = await runSync({ file, db, state, queue });
    if (i === 0) continue;
    out.raw.push(raw);
    out.sync.push(rate(result.counts.read, started));
    out.queued = result.counts.queued;
  }
  return out;
}

/**
 * Best sync rate over best raw rate, as before; each round's own ratio (raw read and sync side by side) and their
 * median too, which one lucky raw round does not swing on a shared machine.
 */
function figures(name: string, r: Rounds): Record<string, unknown> {
  const raw = Math.max(...r.raw);
  const sync = Math.max(...r.sync);
  const byRound = r.sync.map((s, i) => s / (r.raw[i] as number));
  return {
    [`${name}_rows_per_s`]: Math.round(sync),
    [`${name}_ratio`]: round(sync / raw),
    [`${name}_ratio_median`]: round(median(byRound)),
    [`${name}_ratio_by_round`]: byRound.map((x) => round(x)),
  };
}

async function main(): Promise<void> {
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'ufb-sync-bench-'));
  try {
    for (const [table, n] of [
      ['people', ROWS],
      ['people_small', ROWS / 10],
      ['people_mirror', ROWS],
    ] as const) {
      await pg.sql(`CREATE TABLE ${table} (id text PRIMARY KEY, email text, name text, plan text, seats int,
        signed_up_at timestamptz, active boolean)`);
      await pg.sql(`INSERT INTO ${table} SELECT 'user-' || i, 'user' || i || '@example.com', 'User ' || i,
        (ARRAY['free','team','pro'])[1 + i % 3], i % 50, now() - (i || ' minutes')::interval, i % 7 <> 0
        FROM generate_series(1, ${n}) AS i`);
    }
    const db = await connectPostgres({ url: pg.url, label: 'DATABASE_URL' });
    const state = openSqliteStateStore(join(dir, 'state.db'));
    const queues = openSqliteQueues({
      path: join(dir, 'queue.db'),
      mainName: 'sync',
      dlqName: 'sync-dlq',
      maxReceiveCount: 40,
      visibilityTimeoutSeconds: 30,
    });
    const queue = queues.main;
    const nothing = async () => {};
    // The first reader after an UPDATE sets hint bits on every page it visits: read once, so the raw read and
    // the sync that follow see the same table.
    const settle = (table: string) => pg.sql(`SELECT count(*) FROM ${table}`).then(() => {});

    const upsert = syncFile('people');
    await runSync({ file: upsert, db, state, queue }); // first sync: everything created
    const unchanged = await rounds(db, state, queue, upsert, nothing);
    const changed = await rounds(db, state, queue, upsert, async (i) => {
      await pg.sql(`UPDATE people SET plan = 'enterprise-${i}' WHERE (substring(id from 6))::int % 100 = 0`);
      await settle('people');
    });

    // Mirror mode with deletes on: vanished users are tracked (and marked) during the same merge.
    const mirror = syncFile('people_mirror', 'mode: mirror\ndelete: true\n');
    await runSync({ file: mirror, db, state, queue });
    const mirrorUnchanged = await rounds(db, state, queue, mirror, nothing);
    const mirrorRemoved = await rounds(db, state, queue, mirror, async (i) => {
      await pg.sql(`DELETE FROM people_mirror WHERE (substring(id from 6))::int % 100 = ${i}`);
      await settle('people_mirror');
    });

    report('sync', {
      rows: ROWS,
      raw_read_rows_per_s: Math.round(Math.max(...unchanged.raw)),
      ...figures('unchanged', unchanged),
      ...figures('changed_1pct', changed),
      changed_1pct_queued: changed.queued,
      ...figures('mirror_unchanged', mirrorUnchanged),
      ...figures('mirror_removed_1pct', mirrorRemoved),
      mirror_removed_1pct_queued: mirrorRemoved.queued,
      goal_ratio: 0.5,
    });
    await db.close();
    await state.close();
    queues.close();

    const memory = (table: string) => {
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', pg.url, table],
        {
          encoding: 'utf8',
        },
      );
      if (run.status !== 0) throw new Error(`memory child failed: ${run.stderr}`);
      return JSON.parse(run.stdout).maxRssMb as number;
    };
    const small = memory('people_small');
    const large = memory('people');
    report('sync-memory', {
      peak_rss_mb_10k: round(small, 1),
      peak_rss_mb_100k: round(large, 1),
      ratio_100k_to_10k: round(large / small),
      goal: 'flat: ratio within 0.8–1.2',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pg.stop();
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] as string, process.argv[4] as string);
else await main();
