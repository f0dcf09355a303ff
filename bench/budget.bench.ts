// Budget bench: callers drawing on the one Userflow budget against a sandbox enforcing a limit the budget is not
// told (no ceiling set), in four scenarios: live alone, a sync backlog alone, a live burst during a sync backlog,
// and four processes sharing the budget over dynalite. Each rate is a ratio to the enforced limit, measured in
// this run after a warm-up in which the budget discovers the limit (the whole-run figure is printed beside it).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BUDGET_TABLE_KEY, dynamoDbLeaseStore } from '../lib/budget/dynamodb-lease-store.ts';
import { Budget, type BudgetClass, type BudgetSnapshot, memoryLeaseStore } from '../lib/budget/index.ts';
import { startSandbox } from '../lib/sandbox/index.ts';
import { UserflowClient, UserflowRateLimitError } from '../lib/userflow/index.ts';
import { startDynamoDbEmulator } from '../test/helpers/dynamodb-emulator.ts';
import { percentile, report, round } from './report.ts';

const LIMIT = Number(process.env.BENCH_BUDGET_LIMIT ?? 100);
const WARMUP_MS = Number(process.env.BENCH_BUDGET_WARMUP_MS ?? 10_000);
const MEASURE_MS = Number(process.env.BENCH_BUDGET_MEASURE_MS ?? 10_000);
const CONCURRENCY = 8;
const role = process.env.BUDGET_BENCH_ROLE;

interface Tally {
  ok: number;
  throttled: number;
  waits: number[];
}

/** `concurrency` loops calling Userflow through the class's gate until `until`. */
async function drive(budget: Budget, cls: BudgetClass, client: UserflowClient, until: number, tally: Tally) {
  const gate = budget.gate(cls);
  const loop = async () => {
    while (Date.now() < until) {
      const asked = Date.now();
      const ticket = await gate.acquire();
      tally.waits.push(Date.now() - asked);
      try {
        await client.getUser('nobody');
        gate.onSuccess(ticket);
        tally.ok += 1;
      } catch (error) {
        if (error instanceof UserflowRateLimitError) {
          tally.throttled += 1;
          gate.onThrottle(
            ticket,
            error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000,
          );
        } else {
          gate.onSuccess(ticket);
          tally.ok += 1;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
}

const tally = (): Tally => ({ ok: 0, throttled: 0, waits: [] });

if (role === 'worker') await worker();
else await main();

/** Child: one deliver consumer's process, leasing from the budget table in dynalite. */
async function worker(): Promise<void> {
  const store = dynamoDbLeaseStore({
    tableName: 'budget',
    client: {
      endpoint: process.env.BENCH_DYNAMO as string,
      region: 'eu-west-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    },
  });
  const budget = new Budget({ store, fallbackPerSecond: LIMIT / 8 });
  const client = new UserflowClient({
    apiKey: process.env.BENCH_KEY as string,
    baseUrl: process.env.BENCH_URL as string,
  });
  const t = tally();
  // Start together: the parent says go once every worker is loaded, so the measured window holds all four.
  process.stdout.write('ready\n');
  await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
  // A duration, not a time: the parent's clock may be the sandbox's, not the wall clock.
  await drive(budget, 'live', client, Date.now() + Number(process.env.BENCH_DURATION_MS), t);
  process.stdout.write(`${JSON.stringify({ ok: t.ok, throttled: t.throttled, ...budget.snapshot() })}\n`);
  await budget.close();
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ seed: 'none', rateLimit: { requestsPerSecond: LIMIT } });
  const client = new UserflowClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url });
  const okCalls = () =>
    Object.entries(sandbox.stats().byStatus)
      .filter(([status]) => status !== '429')
      .reduce((sum, [, n]) => sum + n, 0);

  /** Runs `classes` for warm-up + measure on a fresh budget; returns the measured figures. */
  const scenario = async (name: string, classes: BudgetClass[], liveFrom = 0) => {
    sandbox.resetStats();
    const budget = new Budget({ store: memoryLeaseStore(), fallbackPerSecond: 1 });
    const start = Date.now();
    const until = start + WARMUP_MS + MEASURE_MS;
    const tallies = new Map<BudgetClass, Tally>(classes.map((c) => [c, tally()]));
    let okAtWarm = 0;
    const warm = new Promise<void>((resolve) =>
      setTimeout(() => {
        okAtWarm = okCalls();
        for (const t of tallies.values()) Object.assign(t, { ok: 0, throttled: 0, waits: [] });
        resolve();
      }, WARMUP_MS),
    );
    await Promise.all(
      classes.map(async (c) => {
        if (c === 'live' && liveFrom > 0) await new Promise((resolve) => setTimeout(resolve, liveFrom));
        await drive(budget, c, client, until, tallies.get(c) as Tally);
      }),
    );
    await warm;
    const stats = sandbox.stats();
    const measured = ((okCalls() - okAtWarm) * 1000) / MEASURE_MS;
    const whole = (okCalls() * 1000) / (Date.now() - start);
    const figures: Record<string, unknown> = {
      scenario: name,
      enforced_per_s: LIMIT,
      achieved_ratio: round(measured / LIMIT),
      whole_run_ratio: round(whole / LIMIT),
      throttled_share: round((stats.byStatus['429'] ?? 0) / Math.max(1, stats.requests), 4),
      discovered_per_s: round(budget.snapshot().ratePerSecond, 1),
      last_throttle_per_s: round(budget.snapshot().lastThrottleRate ?? Number.NaN, 1),
    };
    for (const [c, t] of tallies) {
      figures[`${c}_share`] = round((t.ok * 1000) / MEASURE_MS / Math.max(1, measured));
      figures[`${c}_p95_wait_ms`] = percentile(
        [...t.waits].sort((a, b) => a - b),
        95,
      );
    }
    report('budget', figures);
  };

  if (process.env.BENCH_BUDGET_ONLY !== 'shared') {
    await scenario('live_only', ['live']);
    await scenario('sync_backlog', ['sync']);
    // The live burst starts once the sync backlog has the budget to itself.
    await scenario('live_burst_during_sync', ['sync', 'live'], 3_000);
  }
  await shared(sandbox.url, sandbox.apiKey, () => sandbox.stats());
  await sandbox.close();
}

/** Four worker processes sharing one budget item in dynalite. */
async function shared(
  url: string,
  apiKey: string,
  stats: () => { byStatus: Record<string, number>; requests: number },
) {
  const dynamo = await startDynamoDbEmulator();
  await dynamo.createTable('budget', { partitionKey: BUDGET_TABLE_KEY });
  const okOf = (s: { byStatus: Record<string, number> }) =>
    Object.entries(s.byStatus)
      .filter(([k]) => k !== '429')
      .reduce((sum, [, n]) => sum + n, 0);
  // Workers run past the measured window, so it ends while all four are still calling.
  const duration = WARMUP_MS + MEASURE_MS + 1_000;
  const workers = Array.from({ length: 4 }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: {
        ...process.env,
        BUDGET_BENCH_ROLE: 'worker',
        BENCH_DYNAMO: dynamo.endpoint,
        BENCH_URL: url,
        BENCH_KEY: apiKey,
        BENCH_DURATION_MS: String(duration),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve) => lines.once('line', () => resolve()));
    const done = ready.then(
      () =>
        new Promise<{ ok: number; throttled: number } & BudgetSnapshot>((resolve, reject) => {
          lines.once('line', (line) => resolve(JSON.parse(line)));
          child.once('exit', (code) => code !== 0 && reject(new Error(`worker exited ${code}`)));
        }),
    );
    return { child, ready, done };
  });
  await Promise.all(workers.map((w) => w.ready));
  const before = stats();
  const start = Date.now();
  for (const w of workers) w.child.stdin?.end('go\n');
  const sample = (ms: number) =>
    new Promise<{ at: number } & ReturnType<typeof stats>>((resolve) =>
      setTimeout(() => resolve({ at: Date.now(), ...stats() }), ms),
    );
  const atWarm = await sample(WARMUP_MS);
  const atEnd = await sample(MEASURE_MS);
  const measuredMs = atEnd.at - atWarm.at;
  const results = await Promise.all(workers.map((w) => w.done));
  const after = stats();
  const measured = ((okOf(atEnd) - okOf(atWarm)) * 1000) / measuredMs;
  report('budget', {
    scenario: 'four_processes_dynalite',
    enforced_per_s: LIMIT,
    achieved_ratio: round(measured / LIMIT),
    whole_run_ratio: round(((okOf(after) - okOf(before)) * 1000) / (Date.now() - start) / LIMIT),
    throttled_share: round(
      ((atEnd.byStatus['429'] ?? 0) - (atWarm.byStatus['429'] ?? 0)) /
        Math.max(1, atEnd.requests - atWarm.requests),
      4,
    ),
    per_process_calls: results.map((r) => r.ok),
    any_fallback: results.some((r) => r.fallback),
    discovered_per_s: round(results[0]?.ratePerSecond ?? Number.NaN, 1),
    last_throttle_per_s: round(results[0]?.lastThrottleRate ?? Number.NaN, 1),
    throttle_cuts: results[0]?.throttles,
  });
  await dynamo.close();
}
