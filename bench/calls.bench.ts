// Userflow calls per entity, counted as the requests the sandbox received: an initial sync of users with 1–3
// memberships and a change run (the memberships folded into the users' upserts, and the older one call per
// membership beside it), then a HubSpot batch and the Stripe trial→paid sample through the rules and delivery.
// Each webhook case is delivered twice, with delivery's coalescing on (the default) and off (one call per command),
// and the two sandboxes must end in the same state.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type Envelope, envelopeMessage } from '../lib/commands/index.ts';
import { createDeliverHandler } from '../lib/deliver/index.ts';
import { SqlitePersistenceLayer } from '../lib/idempotency/sqlite-persistence-layer.ts';
import { startPoller } from '../lib/local/poller.ts';
import { createLogger } from '../lib/logger.ts';
import { openSqliteQueues, type SqliteQueues } from '../lib/queue/sqlite/sqlite-queue.ts';
import { type CompiledSource, loadRules } from '../lib/rules/index.ts';
import { type RunningSandbox, startSandbox } from '../lib/sandbox/index.ts';
import { connectPostgres } from '../lib/sync/postgres.ts';
import { parseSyncFile } from '../lib/sync/read-sync-file.ts';
import { runSync } from '../lib/sync/run-sync.ts';
import { openSqliteStateStore } from '../lib/sync/sqlite-state-store.ts';
import { UserflowClient } from '../lib/userflow/index.ts';
import { type BenchPostgres, startPostgres } from './postgres.ts';
import { report, round } from './report.ts';

const USERS = 1_000;
const GROUPS = 100;
const ROOT = join(import.meta.dirname, '..');

interface Rig {
  sandbox: RunningSandbox;
  queues: SqliteQueues;
  dir: string;
}

async function rig(dir: string, name: string): Promise<Rig> {
  const sandbox = await startSandbox({ seed: 'none' });
  const queues = openSqliteQueues({
    path: join(dir, `${name}-queue.db`),
    mainName: 'main',
    dlqName: 'dlq',
    maxReceiveCount: 40,
    visibilityTimeoutSeconds: 30,
  });
  return { sandbox, queues, dir: join(dir, name) };
}

/** Delivers everything queued to the sandbox and returns the requests it took, by route. */
async function deliverAll(
  rig: Rig,
  coalesce = true,
): Promise<{ calls: number; byRoute: Record<string, number> }> {
  const before = rig.sandbox.stats();
  const handler = createDeliverHandler({
    client: new UserflowClient({ apiKey: rig.sandbox.apiKey, baseUrl: rig.sandbox.url, timeoutMs: 5_000 }),
    queue: rig.queues.main,
    dlq: rig.queues.dlq,
    idempotency: new SqlitePersistenceLayer({ path: `${rig.dir}-idempotency.db` }),
    logger: createLogger({ service: 'calls-bench', level: 'SILENT' }),
    rate: { limitPerSecond: 50_000, maxConcurrency: 4 },
    backoff: { baseMs: 100, capMs: 1_000 },
    coalesce,
  });
  const poller = startPoller({
    queue: rig.queues.main,
    handler: handler as (event: SQSEvent) => Promise<SQSBatchResponse>,
    maxConcurrency: 4,
    waitSeconds: 0,
  });
  try {
    for (;;) {
      const counts = await rig.queues.main.counts();
      if (counts.visible + counts.inFlight === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await poller.stop();
  }
  const dlq = await rig.queues.dlq.counts();
  if (dlq.visible + dlq.inFlight) {
    const [first] = await rig.queues.dlq.browse();
    throw new Error(`calls bench: commands were dead-lettered: ${first?.body.slice(0, 400)}`);
  }
  const after = rig.sandbox.stats();
  const byRoute: Record<string, number> = {};
  for (const [route, n] of Object.entries(after.byRoute)) {
    const delta = n - (before.byRoute[route] ?? 0);
    if (delta) byRoute[route] = delta;
  }
  return { calls: after.requests - before.requests, byRoute };
}

const syncFile = (fold: boolean) =>
  parseSyncFile(
    `syncs/${fold ? 'folded' : 'per-membership'}.yaml`,
    `
connection: DATABASE_URL
mode: mirror
fold_memberships: ${fold}
users:
  query: SELECT id, email, plan FROM people
groups:
  query: SELECT id, name FROM accounts
memberships:
  query: SELECT user_id, group_id, role FROM members
`,
  );

async function syncCases(dir: string): Promise<void> {
  const pg = await startPostgres();
  const db = await connectPostgres({ url: pg.url, label: 'DATABASE_URL' });
  try {
    await pg.sql(`
      CREATE TABLE people (id text PRIMARY KEY, email text, plan text);
      CREATE TABLE accounts (id text PRIMARY KEY, name text);
      CREATE TABLE members (user_id text, group_id text, role text, PRIMARY KEY (user_id, group_id));
      INSERT INTO people SELECT 'user-' || i, 'user' || i || '@example.com', 'free' FROM generate_series(1, ${USERS}) i;
      INSERT INTO accounts SELECT 'acct-' || i, 'Account ' || i FROM generate_series(1, ${GROUPS}) i;
      INSERT INTO members SELECT 'user-' || i, 'acct-' || (1 + (i + k * 37) % ${GROUPS}), 'member'
        FROM generate_series(1, ${USERS}) i, generate_series(0, 2) k WHERE k <= i % 3;
    `);
    const [{ n: memberships }] = (await pg.sql('SELECT count(*)::int AS n FROM members')).rows as [
      { n: number },
    ];
    const figures: Record<string, Record<string, number>> = {};
    for (const fold of [true, false]) {
      const r = await rig(dir, fold ? 'folded' : 'per-membership');
      const state = openSqliteStateStore(`${r.dir}-state.db`);
      const label = fold ? 'folded' : 'per_membership';
      // Each variant starts from the same tables: the change is made and undone around its own run.
      await runSync({ file: syncFile(fold), db, state, queue: r.queues.main });
      const initial = await deliverAll(r);
      await pg.sql(`
        UPDATE people SET plan = 'pro' WHERE (substring(id from 6))::int % 10 = 0;
        INSERT INTO members SELECT 'user-' || i, 'acct-' || (1 + (i + 50) % ${GROUPS}), 'admin'
          FROM generate_series(1, ${USERS}) i WHERE i % 20 = 0 ON CONFLICT DO NOTHING;
      `);
      const changed = await runSync({ file: syncFile(fold), db, state, queue: r.queues.main });
      const change = await deliverAll(r);
      await pg.sql(`
        UPDATE people SET plan = 'free';
        DELETE FROM members WHERE role = 'admin';
      `);
      figures[label] = {
        initial_calls: initial.calls,
        initial_calls_per_user: round(initial.calls / USERS),
        change_calls: change.calls,
        change_commands: changed.counts.queued,
      };
      await state.close();
      r.queues.close();
      await r.sandbox.close();
    }
    // Users touched by the change run: every 10th (plan) and every 20th (a new membership) — every 10th.
    const touched = USERS / 10;
    report('calls/sync-initial', {
      users: USERS,
      memberships,
      groups: GROUPS,
      calls_per_user: figures.folded?.initial_calls_per_user,
      calls_per_user_one_per_membership: figures.per_membership?.initial_calls_per_user,
      calls: figures.folded?.initial_calls,
      calls_one_per_membership: figures.per_membership?.initial_calls,
      goal_calls_per_user_one_membership: 1.05,
    });
    report('calls/sync-change', {
      changed_users: touched,
      calls_per_changed_user: round((figures.folded?.change_calls ?? 0) / touched),
      calls_per_changed_user_one_per_membership: round((figures.per_membership?.change_calls ?? 0) / touched),
    });
    await singleMembershipCase(pg, db, dir);
  } finally {
    await db.close();
    await pg.stop();
  }
}

/** The issue's own figure: users with exactly one membership each, first run. */
async function singleMembershipCase(
  pg: BenchPostgres,
  db: Awaited<ReturnType<typeof connectPostgres>>,
  dir: string,
): Promise<void> {
  await pg.sql(
    `DELETE FROM members WHERE group_id <> 'acct-' || (1 + ((substring(user_id from 6))::int) % ${GROUPS})`,
  );
  const r = await rig(dir, 'single');
  const state = openSqliteStateStore(`${r.dir}-state.db`);
  await runSync({ file: syncFile(true), db, state, queue: r.queues.main });
  const { calls, byRoute } = await deliverAll(r);
  const users = r.sandbox.store.listUsers().length;
  report('calls/sync-one-membership', {
    users,
    calls_per_user: round(calls / users),
    user_calls_per_user: round((byRoute['POST /users'] ?? 0) / users),
    group_calls: byRoute['POST /groups'] ?? 0,
    goal: 1.05,
  });
  await state.close();
  r.queues.close();
  await r.sandbox.close();
}

/** Commands from a webhook body, delivered with coalescing on and off: the calls each made. */
async function webhookCase(dir: string, name: string, source: CompiledSource, body: unknown): Promise<void> {
  const envelopes: Envelope[] = [];
  for (const event of source.splitEvents(body, { 'webhook-id': 'msg_bench' })) {
    envelopes.push(...(await source.evaluate(event, new Date())).envelopes);
  }
  const coalesced = await deliverWebhook(dir, `${name}-coalesced`, envelopes, true);
  const separate = await deliverWebhook(dir, `${name}-separate`, envelopes, false);
  if (JSON.stringify(coalesced.state) !== JSON.stringify(separate.state)) {
    throw new Error(`calls bench: ${name} ends in another Userflow state when coalesced`);
  }
  report(`calls/${name}`, {
    commands: envelopes.length,
    calls: coalesced.calls,
    calls_one_per_command: separate.calls,
    lookup_calls: coalesced.lookupCalls,
  });
}

async function deliverWebhook(dir: string, name: string, envelopes: Envelope[], coalesce: boolean) {
  const r = await rig(dir, name);
  // The users the rules look up exist, as they would in a live Userflow.
  const lookups = new Map(
    envelopes.flatMap((e) =>
      'user_lookup' in e.command && e.command.user_lookup
        ? [
            [
              `${e.command.user_lookup.attribute}=${e.command.user_lookup.value}`,
              e.command.user_lookup,
            ] as const,
          ]
        : [],
    ),
  );
  for (const [i, lookup] of [...lookups.values()].entries()) {
    await fetch(`${r.sandbox.url}/users`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${r.sandbox.apiKey}`,
        'content-type': 'application/json',
        'userflow-version': '2020-01-03',
      },
      body: JSON.stringify({ id: `bench-user-${i}`, attributes: { [lookup.attribute]: lookup.value } }),
    });
  }
  await r.queues.main.send(envelopes.map(envelopeMessage));
  const { calls, byRoute } = await deliverAll(r, coalesce);
  const { store } = r.sandbox;
  const state = {
    users: store.listUsers().map((u) => [u.id, u.attributes]),
    memberships: store.listMemberships({}).map((m) => [m.user_id, m.group_id, m.attributes]),
    events: store.listUsers().map((u) => store.listEvents({ user_id: u.id }).map((e) => e.name)),
  };
  r.queues.close();
  await r.sandbox.close();
  return { calls, lookupCalls: byRoute['GET /users'] ?? 0, state };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ufb-calls-bench-'));
  try {
    await syncCases(dir);
    const rules = await loadRules(join(ROOT, 'rules'));
    const hubspot = rules.get('hubspot') as CompiledSource;
    const [single] = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/webhooks/hubspot/contact.propertyChange.single.json'), 'utf8'),
    ) as Record<string, unknown>[];
    const properties = ['email', 'firstname', 'lastname', 'jobtitle', 'hs_lead_status'];
    const batch = properties.map((propertyName, i) => ({
      ...single,
      eventId: Number(single?.eventId) + i,
      occurredAt: Number(single?.occurredAt) + i,
      propertyName,
      propertyValue: ['dana@example.org', 'Dana', 'Whitfield', 'CTO', 'OPEN'][i],
    }));
    await webhookCase(dir, 'hubspot-5-property-changes', hubspot, batch);
    const stripe = rules.get('stripe') as CompiledSource;
    const trial = JSON.parse(readFileSync(join(ROOT, 'samples/stripe/trial-converted.json'), 'utf8'));
    await webhookCase(dir, 'stripe-trial-to-paid', stripe, trial);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
