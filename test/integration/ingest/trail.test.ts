// Ingest's intake records, through the real Hono app, the real rules engine and the SQLite trail: one record per
// webhook request whatever its answer, every rule's decision, the rule file's privacy settings honoured, no
// secret stored, and a trail that fails or hangs never changing an answer.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlitePersistenceLayer } from '../../../lib/idempotency/sqlite-persistence-layer.ts';
import { createIngestApp, type IngestDeps } from '../../../lib/ingest/index.ts';
import type { IngestMetric, IngestMetrics } from '../../../lib/ingest/metrics.ts';
import { REDACTED } from '../../../lib/ingest/redact-body.ts';
import { createLogger } from '../../../lib/logger.ts';
import { parseRuleFiles } from '../../../lib/rules/index.ts';
import { envSecretSource } from '../../../lib/secrets/index.ts';
import type { VerifyConfig } from '../../../lib/sources/index.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import type { TrailStore } from '../../../lib/trail/store.ts';
import type { IntakeRecord } from '../../../lib/trail/types.ts';
import { signedRequest } from '../../helpers/signed-request.ts';
import { captureLogs, fakeQueue, type LogCapture } from '../../unit/ingest/fakes.ts';

const NOW = new Date('2026-01-15T10:00:00Z');
const BASE = 'http://localhost';
const SECRETS = {
  STRIPE_WEBHOOK_SECRET: 'whsec_trail_stripe_secret_0123456789',
  QUIET_WEBHOOK_SECRET: 'whsec_trail_quiet_secret_9876543210',
};
const API_KEY = 'ak_live_trail_test_0123456789abcdef';
const EMAIL = 'ada-private@example.com';

const STRIPE_RULES = `
source: stripe
verify: { scheme: stripe, secrets: [STRIPE_WEBHOOK_SECRET] }
event: { id: id, type: type }
trail:
  redact: [data.object.metadata.email]
rules:
  - name: subscription-updated
    when: { type: [customer.subscription.updated] }
    do:
      - upsert_user:
          user_id: "{% data.object.metadata.userflow_user_id %}"
          attributes: { subscription_status: "{% data.object.status %}" }
      - track_event:
          user_id: "{% data.object.metadata.userflow_user_id %}"
          name: subscription_updated
  - name: checkout-completed
    when: { type: [checkout.session.completed] }
    do:
      - upsert_user: { user_id: "{% data.object.client_reference_id %}" }
  - name: team-membership
    when: { type: [customer.subscription.updated] }
    required: [data.object.metadata.team_id]
    do:
      - add_membership:
          user_id: "{% data.object.metadata.userflow_user_id %}"
          group_id: "{% data.object.metadata.team_id %}"
  - name: retired
    enabled: false
    when: { type: [customer.subscription.updated] }
    do:
      - track_event: { user_id: "{% data.object.metadata.userflow_user_id %}", name: retired }
`;

const QUIET_RULES = `
source: quiet
verify: { scheme: stripe, secrets: [QUIET_WEBHOOK_SECRET] }
event: { id: id, type: type }
trail: { store_body: false }
rules:
  - name: any
    when: { type: [customer.subscription.updated] }
    do:
      - track_event: { user_id: "{% data.object.metadata.userflow_user_id %}", name: quiet }
`;

const rules = parseRuleFiles([
  { path: 'stripe.yaml', text: STRIPE_RULES },
  { path: 'quiet.yaml', text: QUIET_RULES },
]);
const VERIFY = rules.get('stripe')?.verify as VerifyConfig;

function subscriptionEvent(id: string, metadata: Record<string, string> = {}) {
  return {
    id,
    object: 'event',
    type: 'customer.subscription.updated',
    data: {
      object: {
        id: 'sub_1',
        status: 'active',
        metadata: { userflow_user_id: 'user-ada', email: EMAIL, ...metadata },
      },
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'ingest-trail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

let logs: LogCapture;
/** Values no trail record may hold: secrets, every signature sent, the API key. */
let forbidden: string[];
const stores: TrailStore[] = [];

beforeEach(() => {
  logs = captureLogs();
  forbidden = [...Object.values(SECRETS), API_KEY];
});

afterEach(() => {
  logs.restore();
  for (const store of stores.splice(0)) {
    try {
      store.close();
    } catch {
      // already closed by the test
    }
  }
});

function recordingMetrics(): IngestMetrics & {
  counts: { metric: IngestMetric; dims: object; value: number }[];
} {
  const counts: { metric: IngestMetric; dims: object; value: number }[] = [];
  return {
    counts,
    count(metric, dims, value = 1) {
      counts.push({ metric, dims: { ...dims }, value });
    },
  };
}

function setup(overrides: Partial<IngestDeps> = {}) {
  const trail = openSqliteTrail(join(dir, `t${files++}`, 'trail.db'));
  stores.push(trail);
  const queue = fakeQueue();
  const metrics = recordingMetrics();
  let n = 0;
  const app = createIngestApp({
    rules: () => rules,
    secrets: envSecretSource({ ...SECRETS }),
    queue,
    idempotency: new SqlitePersistenceLayer({ path: ':memory:' }),
    logger: createLogger({ service: 'ingest', level: 'DEBUG' }),
    clock: () => NOW,
    trail,
    metrics,
    requestId: () => `req-${++n}`,
    ...overrides,
  });
  /** Every record written, oldest first, after the pending writes have settled. */
  const records = async (): Promise<IntakeRecord[]> => {
    await app.drainTrail();
    return (await trail.listIntakes({ limit: 100 })).reverse();
  };
  return { app, trail, queue, metrics, records };
}

interface PostOptions {
  secret?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
}

async function post(
  app: ReturnType<typeof setup>['app'],
  source: string,
  body: unknown,
  options: PostOptions = {},
) {
  const url = `${BASE}/webhooks/${source}`;
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const signed = signedRequest(VERIFY, {
    body: raw,
    secret:
      options.secret ?? (source === 'quiet' ? SECRETS.QUIET_WEBHOOK_SECRET : SECRETS.STRIPE_WEBHOOK_SECRET),
    now: NOW,
    url,
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
  });
  const headers = { ...signed.headers, authorization: `Bearer ${API_KEY}`, ...options.headers };
  forbidden.push(signed.headers['stripe-signature'] as string);
  const res = await app.request(url, { method: 'POST', headers, body: raw });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, raw };
}

function expectNoSecrets(records: readonly IntakeRecord[]): void {
  const stored = JSON.stringify(records);
  for (const value of forbidden) expect(stored).not.toContain(value);
  for (const record of records) {
    expect(Object.keys(record.headers)).not.toContain('stripe-signature');
    expect(Object.keys(record.headers)).not.toContain('authorization');
  }
}

describe('one intake record per webhook request', () => {
  it('an accepted event: status, event id, every rule’s decision, the commands with user and group ids', async () => {
    const { app, records } = setup();
    const res = await post(app, 'stripe', subscriptionEvent('evt_ok', { team_id: 'team-7' }));
    expect(res.status).toBe(202);

    const [record] = await records();
    expect(record).toMatchObject({
      requestId: 'req-1',
      source: 'stripe',
      receivedAt: NOW.toISOString(),
      status: 202,
      outcome: 'accepted',
      eventIds: ['evt_ok'],
    });
    expect(record?.errorCode).toBeUndefined();
    expect(record?.headers['content-type']).toBe('application/json');
    const [event] = record?.events ?? [];
    expect(event).toMatchObject({ id: 'evt_ok', type: 'customer.subscription.updated', outcome: 'accepted' });
    expect(event?.rules).toEqual([
      { name: 'subscription-updated', decision: 'matched' },
      { name: 'checkout-completed', decision: 'no_match' },
      { name: 'team-membership', decision: 'matched' },
      { name: 'retired', decision: 'no_match', reason: 'disabled' },
    ]);
    expect(event?.commands.map(({ kind, userId, groupId }) => ({ kind, userId, groupId }))).toEqual([
      { kind: 'upsert_user', userId: 'user-ada', groupId: undefined },
      { kind: 'track_event', userId: 'user-ada', groupId: undefined },
      { kind: 'add_membership', userId: 'user-ada', groupId: 'team-7' },
    ]);
    // The ids are the queued commands' ids, so `events show <command-id>` finds this record.
    expect(event?.commands.map((c) => c.id)).toEqual(res.json.commands);
    expectNoSecrets([record as IntakeRecord]);
  });

  it('a skipped rule: recorded with the reason `rules test` prints, counted in the 202 body, logged and counted', async () => {
    const { app, records, metrics } = setup();
    const res = await post(app, 'stripe', subscriptionEvent('evt_skip'));
    expect(res.status).toBe(202);
    expect(res.json.rulesSkipped).toEqual([{ event: 'evt_skip', count: 1 }]);
    expect(res.json.accepted).toBe(2);

    const [record] = await records();
    expect(record?.events[0]?.rules).toContainEqual({
      name: 'team-membership',
      decision: 'skipped',
      reason: 'required data.object.metadata.team_id has no value',
    });
    const warning = logs.entries().find((e) => e.message === 'rule skipped');
    expect(warning).toMatchObject({
      level: 'WARN',
      source: 'stripe',
      eventId: 'evt_skip',
      rule: 'team-membership',
      reason: 'skipped: required data.object.metadata.team_id has no value',
    });
    expect(metrics.counts).toContainEqual({
      metric: 'rulesSkipped',
      dims: { source: 'stripe', rule: 'team-membership' },
      value: 1,
    });
  });

  it('a duplicate: answered 200 and recorded as a duplicate, the rules not run again', async () => {
    const { app, records } = setup();
    const event = subscriptionEvent('evt_dup', { team_id: 'team-7' });
    await post(app, 'stripe', event);
    const res = await post(app, 'stripe', event);
    expect(res.status).toBe(200);
    expect(res.json.rulesSkipped).toEqual([{ event: 'evt_dup', count: 0 }]);

    const [, second] = await records();
    expect(second).toMatchObject({ status: 200, outcome: 'duplicate', eventIds: ['evt_dup'] });
    expect(second?.events).toEqual([
      { id: 'evt_dup', type: 'customer.subscription.updated', outcome: 'duplicate', rules: [], commands: [] },
    ]);
  });

  it('a bad signature: 401 recorded with its code, the body kept (redacted), no event processed', async () => {
    const { app, records, queue } = setup();
    const res = await post(app, 'stripe', subscriptionEvent('evt_forged'), { secret: 'whsec_not_ours' });
    expect(res.status).toBe(401);
    expect(queue.queued).toHaveLength(0);

    const [record] = await records();
    expect(record).toMatchObject({
      source: 'stripe',
      status: 401,
      outcome: 'bad_signature',
      errorCode: 'bad_signature',
      eventIds: [],
      events: [],
    });
    expect(record?.body).toMatchObject({ stored: true });
    expectNoSecrets([record as IntakeRecord]);
  });

  it('an unknown source: 404 recorded under the name sent, the body never read', async () => {
    const { app, records } = setup();
    const res = await post(app, 'nope', subscriptionEvent('evt_lost'));
    expect(res.status).toBe(404);

    const [record] = await records();
    expect(record).toMatchObject({ source: 'nope', status: 404, outcome: 'unknown_source' });
    expect(record?.body).toEqual({ stored: false, size: 0, sha256: '', reason: 'not_read' });
    expectNoSecrets([record as IntakeRecord]);
  });

  it('a wrong content type (415) and a body over the ingest limit (413) are recorded too', async () => {
    const { app, records } = setup({ bodyLimitBytes: 64 });
    expect((await post(app, 'stripe', 'a=1', { contentType: 'text/plain' })).status).toBe(415);
    expect((await post(app, 'stripe', subscriptionEvent('evt_big'))).status).toBe(413);

    const stored = await records();
    expect(stored.map((r) => [r.status, r.outcome])).toEqual([
      [415, 'unsupported_media_type'],
      [413, 'payload_too_large'],
    ]);
    expect(stored.map((r) => r.body.stored)).toEqual([false, false]);
    expectNoSecrets(stored);
  });

  it('a malformed body (correctly signed) is recorded as 400 with the text as sent', async () => {
    const { app, records } = setup({ rules: () => parseRuleFiles([{ path: 'q.yaml', text: QUIET_RULES }]) });
    // Without redact paths a body that is not JSON is still kept, as it arrived.
    const res = await post(app, 'quiet', '{"id": ', {});
    expect(res.status).toBe(400);
    const [record] = await records();
    expect(record).toMatchObject({ status: 400, outcome: 'malformed_json' });
  });
});

describe('what the trail keeps of a body', () => {
  it('redacts the rule file’s paths before storing; the rest of the body is kept as sent', async () => {
    const { app, records } = setup();
    await post(app, 'stripe', subscriptionEvent('evt_redact', { team_id: 'team-7' }));
    const [record] = await records();
    expect(record?.body.stored).toBe(true);
    const text = record?.body.stored ? record.body.text : '';
    expect(text).not.toContain(EMAIL);
    const body = JSON.parse(text) as ReturnType<typeof subscriptionEvent>;
    expect(body.data.object.metadata).toEqual({
      userflow_user_id: 'user-ada',
      email: REDACTED,
      team_id: 'team-7',
    });
  });

  it('a bad-signature body is redacted too: redaction does not depend on the request being genuine', async () => {
    const { app, records } = setup();
    await post(app, 'stripe', subscriptionEvent('evt_forged_2'), { secret: 'whsec_not_ours' });
    const [record] = await records();
    expect(JSON.stringify(record)).not.toContain(EMAIL);
  });

  it('store_body: false keeps only the size and digest', async () => {
    const { app, records } = setup();
    const res = await post(app, 'quiet', subscriptionEvent('evt_quiet'));
    expect(res.status).toBe(202);
    const [record] = await records();
    expect(record?.body).toEqual({
      stored: false,
      size: Buffer.byteLength(res.raw),
      sha256: createHash('sha256').update(res.raw).digest('hex'),
      reason: 'disabled',
    });
    expect(JSON.stringify(record)).not.toContain(EMAIL);
  });

  it('a body over TRAIL_BODY_LIMIT_BYTES keeps its digest and size; the webhook is still accepted', async () => {
    const { app, records } = setup({ trailConfig: { bodyLimitBytes: 100, retentionDays: 7 } });
    const res = await post(app, 'stripe', subscriptionEvent('evt_large'));
    expect(res.status).toBe(202);
    const [record] = await records();
    expect(record?.body).toEqual({
      stored: false,
      size: Buffer.byteLength(res.raw),
      sha256: createHash('sha256').update(res.raw).digest('hex'),
      reason: 'too_large',
    });
    expect(record?.expiresAt).toBe(NOW.getTime() / 1000 + 7 * 24 * 3600);
  });
});

describe('a trail that fails never decides the answer', () => {
  async function answersWithout(body: unknown) {
    const { app, queue } = setup({ trail: undefined });
    const res = await post(app, 'stripe', body);
    return { status: res.status, json: res.json, queued: queue.queued.length };
  }

  it('a closed store: the same answer as without a trail, the commands queued, an error logged and counted', async () => {
    const { app, trail, queue, metrics } = setup();
    trail.close();
    const event = subscriptionEvent('evt_outage', { team_id: 'team-7' });
    const res = await post(app, 'stripe', event);
    await app.drainTrail();

    const baseline = await answersWithout(event);
    expect({ status: res.status, json: res.json, queued: queue.queued.length }).toEqual(baseline);
    const error = logs.entries().find((e) => e.message === 'trail write failed');
    expect(error).toMatchObject({
      level: 'ERROR',
      reason: 'write_failed',
      requestId: 'req-1',
      source: 'stripe',
    });
    expect(JSON.stringify(error)).not.toContain(EMAIL);
    expect(metrics.counts).toContainEqual({ metric: 'trailWriteFailed', dims: {}, value: 1 });
  });

  it('a rejection is answered the same with the store closed', async () => {
    const { app, trail } = setup();
    trail.close();
    const res = await post(app, 'stripe', subscriptionEvent('evt_forged_3'), { secret: 'whsec_not_ours' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code: 'bad_signature', message: 'the signature does not match' } });
  });

  it('a store that never answers: the answer comes once the write timeout passes, logged as timed out', async () => {
    const { trail } = setup();
    const hung: TrailStore = { ...trail, putIntake: () => new Promise<void>(() => {}) };
    const { app, queue, metrics } = setup({ trail: hung, trailWriteTimeoutMs: 10 });
    const res = await post(app, 'stripe', subscriptionEvent('evt_hung'));
    expect(res.status).toBe(202);
    expect(queue.queued).toHaveLength(2);
    expect(logs.entries().find((e) => e.message === 'trail write failed')).toMatchObject({
      reason: 'timed_out',
    });
    expect(metrics.counts.map((c) => c.metric)).toContain('trailWriteFailed');
  });
});

describe('writing in the background (a long-lived server)', () => {
  it('answers first; the record is there once the pending writes are drained', async () => {
    const { app, records } = setup({ trailInBackground: true });
    const res = await post(app, 'stripe', subscriptionEvent('evt_bg'));
    expect(res.status).toBe(202);
    const stored = await records();
    expect(stored.map((r) => r.eventIds)).toEqual([['evt_bg']]);
  });

  it('records of webhooks answered together are all written; a failed background write is logged and counted', async () => {
    const { app, records } = setup({ trailInBackground: true });
    const answers = await Promise.all(
      ['evt_a', 'evt_b', 'evt_c'].map((id) => post(app, 'stripe', subscriptionEvent(id))),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect((await records()).map((r) => r.eventIds[0]).sort()).toEqual(['evt_a', 'evt_b', 'evt_c']);

    const closed = setup({ trailInBackground: true });
    closed.trail.close();
    expect((await post(closed.app, 'stripe', subscriptionEvent('evt_bg_fail'))).status).toBe(202);
    await closed.app.drainTrail();
    expect(logs.entries().filter((e) => e.message === 'trail write failed')).toHaveLength(1);
    expect(closed.metrics.counts).toContainEqual({ metric: 'trailWriteFailed', dims: {}, value: 1 });
  });
});
