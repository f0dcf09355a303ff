// Ingest bench: requests/s of the real ingest app (Stripe signature + shipped rules + SQLite idempotency + an
// in-memory queue) against a bare Hono endpoint that only reads the body, in the same run, as a ratio — over
// HTTP (@hono/node-server on 127.0.0.1, autocannon, server in its own process) and in-process (`app.request()`);
// plus p50/p99 in-process latency of verify + parse + rules per event over the Stripe fixtures.
// CPU time per request (the server process's over HTTP, this process's in-process) and a per-stage cost
// breakdown go with them: on a shared machine requests/s swing with the neighbours, CPU time much less.
// The queue is in memory on purpose: the figure is ingest's own cost, not the queue's (SQS is a network call).
// The event trail's cost is measured in the same run: the real app with an intake record per request (a SQLite
// trail file, written in the background as `npm start` does) against the same app without one, as
// `*_trail_ratio`; in-process, the time to write every record out is counted in.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { SqlitePersistenceLayer } from '../lib/idempotency/sqlite-persistence-layer.ts';
import { enqueue } from '../lib/ingest/enqueue.ts';
import { createDedupe, createIngestApp, DEFAULT_IDEMPOTENCY_TTL_SECONDS } from '../lib/ingest/index.ts';
import { parseJsonBody } from '../lib/ingest/parse-body.ts';
import { createLogger } from '../lib/logger.ts';
import type { Queue } from '../lib/queue/queue.ts';
import { loadRules } from '../lib/rules/index.ts';
import { envSecretSource } from '../lib/secrets/index.ts';
import { createSigner, createVerifier, type WebhookRequest } from '../lib/sources/index.ts';
import { openSqliteTrail } from '../lib/trail/sqlite-store.ts';
import { percentile, report, round } from './report.ts';

const ROOT = join(import.meta.dirname, '..');

/** The slice of autocannon's API used here (the package ships no types). */
interface LoadResult {
  requests: { average: number; total: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: { method: string; path: string; setupRequest: (request: Record<string, unknown>) => unknown }[];
}) => Promise<LoadResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const SECRET = 'whsec_bench_secret_0123456789abcdef';
const SECRETS = {
  STRIPE_WEBHOOK_SECRET: SECRET,
  HUBSPOT_CLIENT_SECRET: 'bench',
  PORTAL_WEBHOOK_SECRET: 'whsec_YmVuY2g=',
};
const FIXTURES = join(ROOT, 'test/fixtures/webhooks/stripe');
const TEMPLATE = readFileSync(
  join(FIXTURES, 'customer.subscription.updated.trialing_to_active.json'),
  'utf8',
);
const TEMPLATE_ID = (JSON.parse(TEMPLATE) as { id: string }).id;
const PATH = '/webhooks/stripe';

const HTTP_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 3);
// Rounds of bare, real and trail back to back; each ratio is taken within a round, and the median of the rounds
// reported: on a shared machine a neighbour's burst hits one round, not the figure.
const HTTP_ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_INGEST_CONNECTIONS ?? 20);
const IN_PROCESS_REQUESTS = Number(process.env.BENCH_INGEST_REQUESTS ?? 3000);
const LATENCY_EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 5000);

const sign = createSigner({ scheme: 'stripe', secrets: ['STRIPE_WEBHOOK_SECRET'], tolerance_seconds: 300 });
const encoder = new TextEncoder();

/**
 * A distinct, freshly signed Stripe event (4 commands under the shipped rules), so none is a duplicate. With a
 * Content-Length, as @hono/node-server and the Lambda adapter give one (without it bodyLimit streams the body).
 */
function signedEvent(id: string, contentLength = true): { headers: Record<string, string>; body: string } {
  const body = TEMPLATE.replace(TEMPLATE_ID, id);
  return {
    headers: {
      'content-type': 'application/json',
      ...(contentLength ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
      ...sign({ rawBody: body, secret: SECRET, now: new Date() }),
    },
    body,
  };
}

/** Accepts everything and keeps only a count: what a queue costs is not ingest's figure. */
function countingQueue(): Queue & { count: number } {
  return {
    count: 0,
    async send(messages) {
      this.count += messages.length;
    },
    async receive() {
      return [];
    },
    async delete() {},
    async changeVisibility() {},
  };
}

/** The real app; with `trail`, an intake record per request in a fresh SQLite trail file (removed on exit). */
async function realApp(options: { trail?: boolean } = {}) {
  const rules = await loadRules(join(ROOT, 'rules'));
  const queue = countingQueue();
  let trailDir: string | undefined;
  if (options.trail) {
    trailDir = mkdtempSync(join(tmpdir(), 'bench-trail-'));
    const dir = trailDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const app = createIngestApp({
    rules: () => rules,
    secrets: envSecretSource(SECRETS),
    queue,
    idempotency: new SqlitePersistenceLayer({ path: ':memory:' }),
    logger: createLogger({ service: 'ingest', level: 'SILENT' }),
    ...(trailDir ? { trail: openSqliteTrail(join(trailDir, 'trail.db')), trailInBackground: true } : {}),
  });
  return { app, queue, rules };
}

/** The baseline: same route and body, no verification, rules or queue. */
function bareApp() {
  const app = new Hono();
  app.post('/webhooks/:source', async (c) => {
    await c.req.arrayBuffer();
    return c.json({ accepted: 0, commands: [], duplicate: false }, 202);
  });
  return app;
}

type Kind = 'real' | 'bare' | 'trail';

/**
 * Child process: serve one app on 127.0.0.1:0 and print the port. Each `cpu` line on stdin is answered with
 * the CPU time (µs) the process used since the previous one, so the parent can take the server's share of a run.
 */
async function serveApp(kind: Kind): Promise<void> {
  // The parent stops a server with SIGTERM; exiting through 'exit' lets the trail's temp dir be removed.
  process.once('SIGTERM', () => process.exit(0));
  const app = kind === 'bare' ? bareApp() : (await realApp({ trail: kind === 'trail' })).app;
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
    process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
  });
  let since = process.cpuUsage();
  process.stdin.setEncoding('utf8').on('data', () => {
    const used = process.cpuUsage(since);
    since = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuUs: used.user + used.system })}\n`);
  });
}

interface Server {
  url: string;
  child: ChildProcess;
  /** The server process's CPU time (µs) since the previous call (or since it started). */
  cpuUs(): Promise<number>;
}

async function startServer(kind: Kind): Promise<Server> {
  // BENCH_INGEST_PROFILE=<dir>: each server writes a V8 CPU profile per thread there when it stops.
  const profile = process.env.BENCH_INGEST_PROFILE;
  const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profile, kind)}`] : [];
  const child = spawn(
    process.execPath,
    [...profiling, '--import', 'tsx', fileURLToPath(import.meta.url), 'serve', kind],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`))),
  );
  exited.catch(() => {}); // a kill at the end is expected; only a pending read cares
  const nextLine = () =>
    Promise.race([
      new Promise<string>((resolve) => {
        const line = lines.shift();
        if (line === undefined) waiting.push(resolve);
        else resolve(line);
      }),
      exited,
    ]);
  const port = (JSON.parse(await nextLine()) as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async cpuUs() {
      child.stdin?.write('cpu\n');
      return (JSON.parse(await nextLine()) as { cpuUs: number }).cpuUs;
    },
  };
}

async function load(
  url: string,
  seconds: number,
): Promise<{ rps: number; p99Ms: number; non2xx: number; total: number }> {
  let n = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: PATH,
        setupRequest: (request: Record<string, unknown>) => {
          n += 1;
          // autocannon sets Content-Length itself.
          const event = signedEvent(`evt_http_${process.pid}_${Date.now()}_${n}`, false);
          return { ...request, headers: event.headers, body: event.body };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors,
    total: result.requests.total,
  };
}

type Measured = Awaited<ReturnType<typeof load>> & { serverCpuUs: number };

async function httpRatio() {
  const rounds: {
    bare: number;
    real: number;
    trail: number;
    realP99: number;
    bareP99: number;
    trailP99: number;
    non2xx: number;
    bareCpu: number;
    realCpu: number;
    trailCpu: number;
  }[] = [];
  for (let i = 0; i < HTTP_ROUNDS; i++) {
    const figures: Partial<Record<Kind, Measured>> = {};
    // Trail off and on back to back in each round, so a neighbour's load hits both alike.
    for (const kind of i % 2 === 0
      ? (['bare', 'real', 'trail'] as const)
      : (['bare', 'trail', 'real'] as const)) {
      const server = await startServer(kind);
      try {
        // Warm-up: JIT, connections, SQLite pages, and the trail's writer thread (started by the first write, and
        // slow to load on a busy machine), so each figure is the steady state a long-lived server runs in.
        await load(server.url, 2);
        await server.cpuUs(); // the server's CPU clock starts here
        const measured = await load(server.url, HTTP_SECONDS);
        figures[kind] = { ...measured, serverCpuUs: (await server.cpuUs()) / Math.max(1, measured.total) };
      } finally {
        server.child.kill();
      }
    }
    const { bare, real, trail } = figures as Record<Kind, Measured>;
    rounds.push({
      bare: bare.rps,
      real: real.rps,
      trail: trail.rps,
      bareP99: bare.p99Ms,
      realP99: real.p99Ms,
      trailP99: trail.p99Ms,
      non2xx: bare.non2xx + real.non2xx + trail.non2xx,
      bareCpu: bare.serverCpuUs,
      realCpu: real.serverCpuUs,
      trailCpu: trail.serverCpuUs,
    });
  }
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  const trailRatios = rounds.map((r) => r.trail / r.real);
  return {
    http_bare_rps: round(median(rounds.map((r) => r.bare)), 0),
    http_real_rps: round(median(rounds.map((r) => r.real)), 0),
    http_ratio: round(median(rounds.map((r) => r.real / r.bare)), 3),
    http_trail_rps: round(median(rounds.map((r) => r.trail)), 0),
    // Trail on / trail off: 0.9 or more means the trail costs at most 10% of ingest throughput.
    http_trail_ratio: round(median(trailRatios), 3),
    http_trail_ratio_min: round(Math.min(...trailRatios), 3),
    http_trail_ratio_max: round(Math.max(...trailRatios), 3),
    http_rounds: rounds.length,
    http_trail_p99_ms: median(rounds.map((r) => r.trailP99)),
    http_bare_p99_ms: median(rounds.map((r) => r.bareP99)),
    http_real_p99_ms: median(rounds.map((r) => r.realP99)),
    http_non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    // Server process CPU per request (µs): what the app costs, whatever the load generator next to it gets.
    http_bare_server_cpu_us: round(median(rounds.map((r) => r.bareCpu)), 0),
    http_real_server_cpu_us: round(median(rounds.map((r) => r.realCpu)), 0),
    http_trail_server_cpu_us: round(median(rounds.map((r) => r.trailCpu)), 0),
  };
}

async function inProcessRps(app: {
  request: (url: string, init: RequestInit) => Response | Promise<Response>;
  drainTrail?: () => Promise<void>;
}) {
  const events = Array.from({ length: IN_PROCESS_REQUESTS }, (_, i) =>
    signedEvent(`evt_inproc_${Date.now()}_${i}`),
  );
  for (const event of events.slice(0, 200))
    await app.request(`http://127.0.0.1${PATH}`, { method: 'POST', ...event });
  await app.drainTrail?.();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let failed = 0;
  for (const event of events.slice(200)) {
    const res = await app.request(`http://127.0.0.1${PATH}`, { method: 'POST', ...event });
    if (res.status !== 202) failed += 1;
    await res.arrayBuffer();
  }
  // Background trail writes still pending belong to these requests.
  await app.drainTrail?.();
  const cpu = process.cpuUsage(cpuBefore);
  const measured = events.length - 200;
  return {
    rps: measured / ((performance.now() - started) / 1000),
    cpuUs: (cpu.user + cpu.system) / measured,
    failed,
  };
}

/** Per event: verify the signature, parse, split and evaluate the shipped Stripe rules (no I/O). */
async function pipelineLatency(rules: Awaited<ReturnType<typeof realApp>>['rules']) {
  const source = rules.get('stripe');
  if (!source) throw new Error('no stripe source in rules/');
  const verify = createVerifier(source.verify);
  const fixtures = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
  const now = new Date();
  const requests: WebhookRequest[] = fixtures.map((body) => ({
    method: 'POST',
    url: `http://127.0.0.1${PATH}`,
    headers: { 'content-type': 'application/json', ...sign({ rawBody: body, secret: SECRET, now }) },
    rawBody: encoder.encode(body),
  }));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const samples: number[] = [];
  let commands = 0;
  for (let i = 0; i < LATENCY_EVENTS + 500; i++) {
    const request = requests[i % requests.length] as WebhookRequest;
    const started = performance.now();
    verify(request, [SECRET], now);
    const body: unknown = JSON.parse(decoder.decode(request.rawBody));
    for (const event of source.splitEvents(body, request.headers)) {
      commands += (await source.evaluate(event, now)).envelopes.length;
    }
    if (i >= 500) samples.push((performance.now() - started) * 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    pipeline_p50_us: round(percentile(samples, 50), 1),
    pipeline_p99_us: round(percentile(samples, 99), 1),
    pipeline_events: samples.length,
    pipeline_fixtures: fixtures.length,
    commands_per_event: round(commands / (LATENCY_EVENTS + 500), 2),
  };
}

/**
 * Where a request's time goes, stage by stage, on the payload the requests/s figures post: p50 µs of each
 * stage run alone (verify; parse; split + rules on the parsed body; the idempotency claim and record around a
 * unit of work that only returns the command ids; enqueue into the counting queue). What the stages do not
 * cover is HTTP, routing, reading the body, the response and logging.
 */
async function costBreakdown(rules: Awaited<ReturnType<typeof realApp>>['rules']) {
  const source = rules.get('stripe');
  if (!source) throw new Error('no stripe source in rules/');
  const verify = createVerifier(source.verify);
  const now = new Date();
  const request: WebhookRequest = {
    method: 'POST',
    url: `http://127.0.0.1${PATH}`,
    headers: { 'content-type': 'application/json', ...sign({ rawBody: TEMPLATE, secret: SECRET, now }) },
    rawBody: encoder.encode(TEMPLATE),
  };
  const body = parseJsonBody(request.rawBody);
  const [event] = source.splitEvents(body, request.headers);
  if (!event) throw new Error('the bench payload holds no event');
  const { envelopes } = await source.evaluate(event, now);
  const commands = { commands: envelopes.map((envelope) => envelope.id) };
  const store = new SqlitePersistenceLayer({ path: ':memory:' });
  const dedupe = createDedupe({
    persistence: store,
    ttlSeconds: DEFAULT_IDEMPOTENCY_TTL_SECONDS,
    inProgressSeconds: 30,
  });
  const queue = countingQueue();
  const stages: Record<string, (i: number) => unknown> = {
    verify: () => verify(request, [SECRET], now),
    parse: () => parseJsonBody(request.rawBody),
    rules: async () => {
      for (const e of source.splitEvents(body, request.headers)) await source.evaluate(e, now);
    },
    dedupe: (i) => dedupe({ source: 'stripe', eventId: `evt_cost_${i}` }, async () => commands),
    enqueue: () => enqueue(queue, envelopes),
  };
  const figures: Record<string, number> = {};
  for (const [name, stage] of Object.entries(stages)) {
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_EVENTS + 500; i++) {
      const started = performance.now();
      await stage(i);
      if (i >= 500) samples.push((performance.now() - started) * 1000);
    }
    samples.sort((a, b) => a - b);
    figures[`cost_${name}_us`] = round(percentile(samples, 50), 1);
  }
  store.close();
  return figures;
}

async function main(): Promise<void> {
  const real = await realApp();
  const trailed = await realApp({ trail: true });
  const latency = await pipelineLatency(real.rules);
  const costs = await costBreakdown(real.rules);
  const realInProcess = await inProcessRps(real.app);
  const trailInProcess = await inProcessRps(trailed.app);
  // A second pass in the other order: whichever runs first warms what the other then finds warm.
  const trailInProcess2 = await inProcessRps(trailed.app);
  const realInProcess2 = await inProcessRps(real.app);
  const bareInProcess = await inProcessRps(bareApp());
  const http = await httpRatio();
  const realRps = (realInProcess.rps + realInProcess2.rps) / 2;
  const trailRps = (trailInProcess.rps + trailInProcess2.rps) / 2;
  report('ingest', {
    queue: 'in-memory (counting)',
    idempotency: 'sqlite :memory:',
    payload: 'stripe customer.subscription.updated (4 commands)',
    trail: 'sqlite file (WAL), written in the background on its writer thread as npm start does',
    ...http,
    inproc_bare_rps: round(bareInProcess.rps, 0),
    inproc_real_rps: round(realRps, 0),
    inproc_ratio: round(realRps / bareInProcess.rps, 3),
    inproc_trail_rps: round(trailRps, 0),
    inproc_trail_ratio: round(trailRps / realRps, 3),
    inproc_failed:
      realInProcess.failed +
      realInProcess2.failed +
      trailInProcess.failed +
      trailInProcess2.failed +
      bareInProcess.failed,
    inproc_bare_cpu_us: round(bareInProcess.cpuUs, 0),
    inproc_real_cpu_us: round((realInProcess.cpuUs + realInProcess2.cpuUs) / 2, 0),
    inproc_trail_cpu_us: round((trailInProcess.cpuUs + trailInProcess2.cpuUs) / 2, 0),
    ...latency,
    ...costs,
  });
}

if (process.argv[2] === 'serve') await serveApp((process.argv[3] ?? 'bare') as Kind);
else await main();
