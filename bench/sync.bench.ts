// Database sync: rows/s diffed (no change, 1% changed) against the raw cursor read of the same query, and peak
// memory at 10,000 vs 100,000 rows (each size in a fresh process, so the figures do not share a heap).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteQueues } from '../lib/queue/sqlite-queue.ts';
import { connectPostgres } from '../lib/sync/postgres.ts';
import { runSync } from '../lib/sync/run-sync.ts';
import { openSqliteStateStore } from '../lib/sync/sqlite-state-store.ts';
import { parseSyncFile } from '../lib/sync/sync-file.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { report, round } from './report.ts';

const ROWS = 100_000;
const usersQuery = (table: string) =>
  `SELECT id, email, name, plan, seats, signed_up_at, active FROM ${table}`;

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
  const file = parseSyncFile(
    'bench.yaml',
    `connection: DATABASE_URL\nusers:\n  query: ${usersQuery(table)}\n`,
  );
  await runSync({ file, db, state, queue: queues.main });
  await runSync({ file, db, state, queue: queues.main });
  await db.close();
  await state.close();
  queues.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'ufb-sync-bench-'));
  try {
    for (const [table, n] of [
      ['people', ROWS],
      ['people_small', ROWS / 10],
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
    const file = parseSyncFile(
      'bench.yaml',
      `connection: DATABASE_URL\nusers:\n  query: ${usersQuery('people')}\n`,
    );

    const rawRead = async () => {
      const started = performance.now();
      let rows = 0;
      for await (const batch of db.stream(usersQuery('people'), file.batch_size)) rows += batch.rows.length;
      return rows / ((performance.now() - started) / 1000);
    };
    const timedSync = async () => {
      const started = performance.now();
      const result = await runSync({ file, db, state, queue: queues.main });
      return { rate: result.counts.read / ((performance.now() - started) / 1000), result };
    };

    await runSync({ file, db, state, queue: queues.main }); // first sync: everything created
    // Interleave raw reads and syncs so drift on a shared machine hits both alike; keep the best of three.
    const raw: number[] = [];
    const unchanged: number[] = [];
    for (let i = 0; i < 3; i++) {
      raw.push(await rawRead());
      unchanged.push((await timedSync()).rate);
    }
    await pg.sql(`UPDATE people SET plan = 'enterprise' WHERE (substring(id from 6))::int % 100 = 0`);
    const changed = await timedSync();
    const rawBest = Math.max(...raw);

    report('sync', {
      rows: ROWS,
      raw_read_rows_per_s: Math.round(rawBest),
      unchanged_rows_per_s: Math.round(Math.max(...unchanged)),
      unchanged_ratio: round(Math.max(...unchanged) / rawBest),
      changed_1pct_rows_per_s: Math.round(changed.rate),
      changed_1pct_ratio: round(changed.rate / rawBest),
      changed_1pct_queued: changed.result.counts.queued,
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
