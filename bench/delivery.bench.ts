// Delivery bench: a sustained run against the sandbox enforcing a limit the consumer is not told (it is told more).
// Figures: achieved call rate ÷ limit (goal ≥ 0.90), 429s as a share of calls (≤ 2%), lost and duplicated commands.
// The sandbox runs in a child process (as Userflow is not in the consumer's process), the consumer in this one:
// the SQLite queue, the local poller and the same createDeliverHandler the Lambda exports, writing its attempts to
// the SQLite trail as `npm start` does (BENCH_DELIVERY_TRAIL=off measures without it).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildEnvelope, type Command, messageGroupId } from '../lib/commands/index.ts';
import { createDeliverHandler } from '../lib/deliver/index.ts';
import { SqlitePersistenceLayer } from '../lib/idempotency/sqlite-persistence-layer.ts';
import { startPoller } from '../lib/local/poller.ts';
import { createLogger } from '../lib/logger.ts';
import { openSqliteQueues } from '../lib/queue/sqlite/sqlite-queue.ts';
import { type SandboxStatsSnapshot, startSandbox } from '../lib/sandbox/index.ts';
import { openSqliteTrail } from '../lib/trail/sqlite-store.ts';
import { UserflowClient } from '../lib/userflow/index.ts';
import { report, round } from './report.ts';

const LIMIT = Number(process.env.BENCH_DELIVERY_LIMIT ?? 100); // req/s the sandbox enforces
const TOLD = LIMIT * Number(process.env.BENCH_DELIVERY_TOLD_FACTOR ?? 2); // what the consumer is configured with
const COMMANDS = Number(process.env.BENCH_DELIVERY_COMMANDS ?? 3_000);
const USERS = 300;
const CONCURRENCY = 8;
const TRAIL = process.env.BENCH_DELIVERY_TRAIL !== 'off';

interface SandboxReport {
  stats: SandboxStatsSnapshot;
  /** How many times each command's trace was found (by sequence number). */
  seen: Record<string, number>;
}

if (process.env.DELIVERY_BENCH_ROLE === 'sandbox') await sandboxRole();
else await consumerRole();

/** Child: the sandbox, driven by one-line commands on stdin (`reset`, `report`). */
async function sandboxRole(): Promise<void> {
  const sandbox = await startSandbox({ seed: 'none', rateLimit: { requestsPerSecond: LIMIT } });
  const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  say({ url: sandbox.url, apiKey: sandbox.apiKey });
  const input = createInterface({ input: process.stdin });
  for await (const line of input) {
    if (line === 'reset') {
      sandbox.resetStats();
      say({ ok: true });
    } else if (line === 'report') {
      // Every command leaves a countable trace: upserts append their sequence number to a list attribute (a
      // re-applied upsert shows up twice), events carry it as an attribute.
      const seen: Record<string, number> = {};
      const count = (seq: unknown) => {
        seen[String(seq)] = (seen[String(seq)] ?? 0) + 1;
      };
      for (const user of sandbox.store.listUsers()) {
        const applied = user.attributes.applied;
        for (const seq of Array.isArray(applied) ? applied : []) count(seq);
      }
      for (const event of sandbox.store.listEvents({ name: 'bench_event' })) count(event.attributes.seq);
      say({ stats: sandbox.stats(), seen } satisfies SandboxReport);
      input.close();
      await sandbox.close();
      return;
    }
  }
}

async function consumerRole(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, DELIVERY_BENCH_ROLE: 'sandbox' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async <T>(command?: string): Promise<T> => {
    if (command) child.stdin.write(`${command}\n`);
    const next = await lines.next();
    if (next.done) throw new Error('the sandbox process exited');
    return JSON.parse(next.value) as T;
  };
  const target = await ask<{ url: string; apiKey: string }>();

  const dir = mkdtempSync(join(tmpdir(), 'delivery-bench-'));
  const queues = openSqliteQueues({
    path: join(dir, 'queue.db'),
    mainName: 'deliver',
    dlqName: 'deliver-dlq',
    maxReceiveCount: 1_000,
    visibilityTimeoutSeconds: 30,
  });
  const commands: Command[] = [];
  for (let seq = 0; seq < COMMANDS; seq++) {
    const user_id = `u${seq % USERS}`;
    commands.push(
      seq % 2 === 0
        ? { type: 'upsert_user', user_id, attributes: { applied: { append: seq } } }
        : { type: 'track_event', user_id, name: 'bench_event', attributes: { seq } },
    );
  }
  const messages = commands.map((command, index) => {
    const envelope = buildEnvelope({
      source: 'bench',
      rule: 'bench',
      eventId: 'evt_bench',
      index,
      receivedAt: new Date(),
      command,
    });
    return { groupId: messageGroupId(command), dedupeId: envelope.id, body: JSON.stringify(envelope) };
  });
  for (let i = 0; i < messages.length; i += 10) await queues.main.send(messages.slice(i, i + 10));

  const idempotency = new SqlitePersistenceLayer({ path: join(dir, 'idempotency.db') });
  const trail = TRAIL ? openSqliteTrail(join(dir, 'trail.db')) : undefined;
  const handler = createDeliverHandler({
    client: new UserflowClient({ apiKey: target.apiKey, baseUrl: target.url }),
    queue: queues.main,
    dlq: queues.dlq,
    idempotency,
    logger: createLogger({ service: 'bench', level: 'SILENT' }),
    ...(trail ? { trail } : {}),
    rate: { limitPerSecond: TOLD, maxConcurrency: CONCURRENCY },
    backoff: { baseMs: 500, capMs: 10_000 },
  });
  await ask('reset');
  const started = performance.now();
  const poller = startPoller({
    queue: queues.main,
    handler,
    batchSize: 10,
    maxConcurrency: CONCURRENCY,
    waitSeconds: 1,
  });
  let tick = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const counts = await queues.main.counts();
    if (process.env.BENCH_DEBUG && ++tick % 5 === 0) {
      const rate = handler.rate();
      process.stderr.write(
        `t=${tick / 5}s left=${counts.visible + counts.inFlight} rate=${rate.ratePerSecond.toFixed(1)} throttles=${rate.throttles}\n`,
      );
    }
    if (counts.visible + counts.inFlight === 0) break;
  }
  const elapsedS = (performance.now() - started) / 1000;
  await poller.stop();

  const { stats, seen } = await ask<SandboxReport>('report');
  const ok = Object.entries(stats.byStatus)
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  let lost = 0;
  let duplicated = 0;
  for (let seq = 0; seq < COMMANDS; seq++) {
    const n = seen[String(seq)] ?? 0;
    if (n === 0) lost += 1;
    if (n > 1) duplicated += 1;
  }
  const dlq = await queues.dlq.counts();
  const limiter = handler.rate();
  const trailRecords = trail ? (await trail.listAttempts({ limit: 10 * COMMANDS })).length : 0;
  report('delivery', {
    trail: trail ? 'sqlite' : 'off',
    limit_per_s: LIMIT,
    consumer_told_per_s: TOLD,
    commands: COMMANDS,
    seconds: round(elapsedS, 1),
    achieved_per_s: round(ok / elapsedS, 1),
    rate_ratio: round(ok / elapsedS / LIMIT),
    calls: stats.requests,
    throttled_share: round(stats.rateLimited / stats.requests, 4),
    lost,
    duplicated,
    dead_lettered: dlq.visible + dlq.inFlight,
    final_rate_per_s: round(limiter.ratePerSecond, 1),
    throttle_events: limiter.throttles,
    ...(trail ? { trail_records: trailRecords } : {}),
  });
  trail?.close();
  queues.close();
  idempotency.close();
  rmSync(dir, { recursive: true, force: true });
  child.stdin.end();
  await lines.return?.();
  if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
}
