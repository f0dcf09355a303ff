// The ingest HTTP contract through `app.request()`: every bad input leaves the queue unchanged,
// replays are answered from the idempotency store, and nothing secret reaches a response or a log line.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envelope } from '../../../lib/commands/index.ts';
import { createIngestApp, type IngestDeps } from '../../../lib/ingest/index.ts';
import { createLogger } from '../../../lib/logger.ts';
import { envSecretSource } from '../../../lib/secrets/index.ts';
import type { VerifyConfig } from '../../../lib/sources/index.ts';
import { signedRequest } from '../../helpers/signed-request.ts';
import { captureLogs, fakeQueue, type LogCapture, MemoryPersistenceLayer } from './fakes.ts';
import {
  HUBSPOT_VERIFY,
  hubspotEvent,
  PAYLOAD_MARKER,
  PORTAL_VERIFY,
  ruleSet,
  SECRETS,
  STRIPE_VERIFY,
  stripeEvent,
  stripeSource,
  tinyRules,
} from './tiny-rules.ts';

const NOW = new Date('2026-01-15T10:00:00Z');
const BASE = 'http://localhost';

let logs: LogCapture;
/** Strings no response body or log line may contain: secrets, the payload marker, signatures sent. */
let forbidden: string[];
let responses: string[];

beforeEach(() => {
  logs = captureLogs();
  forbidden = [...Object.values(SECRETS), PAYLOAD_MARKER];
  responses = [];
});

afterEach(() => {
  logs.restore();
  const written = `${logs.text()}\n${responses.join('\n')}`;
  for (const value of forbidden) expect(written).not.toContain(value);
});

function setup(overrides: Partial<IngestDeps> = {}) {
  const queue = fakeQueue();
  const idempotency = new MemoryPersistenceLayer();
  const env: Record<string, string | undefined> = { ...SECRETS };
  const app = createIngestApp({
    rules: tinyRules,
    secrets: envSecretSource(env),
    queue,
    idempotency,
    logger: createLogger({ service: 'ingest', level: 'DEBUG' }),
    clock: () => NOW,
    ...overrides,
  });
  return { app, queue, idempotency, env };
}

type App = ReturnType<typeof setup>['app'];

interface PostOptions {
  verify?: VerifyConfig;
  secret?: string | readonly string[];
  now?: Date;
  contentType?: string | null;
  headers?: Record<string, string>;
  dropHeaders?: string[];
  eventId?: string;
}

const VERIFY_OF: Record<string, VerifyConfig> = {
  stripe: STRIPE_VERIFY,
  hubspot: HUBSPOT_VERIFY,
  portal: PORTAL_VERIFY,
};
const SECRET_OF: Record<string, string> = {
  stripe: SECRETS.STRIPE_WEBHOOK_SECRET,
  hubspot: SECRETS.HUBSPOT_CLIENT_SECRET,
  portal: SECRETS.PORTAL_WEBHOOK_SECRET,
};

interface ResponseJson {
  accepted?: number;
  commands?: string[];
  duplicate?: boolean;
  events?: number;
  duplicates?: number;
  error?: { code: string; message: string };
}

async function post(app: App, source: string, body: unknown, options: PostOptions = {}) {
  const url = `${BASE}/webhooks/${source}`;
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const signed = signedRequest(options.verify ?? VERIFY_OF[source] ?? STRIPE_VERIFY, {
    body: raw,
    secret: options.secret ?? SECRET_OF[source] ?? 'unused-secret',
    now: options.now ?? NOW,
    url,
    ...(options.eventId ? { eventId: options.eventId } : {}),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
  });
  const headers: Record<string, string> = { ...signed.headers, ...options.headers };
  for (const name of options.dropHeaders ?? []) delete headers[name];
  for (const [name, value] of Object.entries(headers)) {
    if (name !== 'content-type' && name !== 'webhook-id') forbidden.push(value);
  }
  const res = await app.request(url, { method: 'POST', headers, body: raw });
  const text = await res.text();
  responses.push(text);
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as ResponseJson };
}

describe('accepted events', () => {
  it('queues each command of a matching event and answers 202 with their ids', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'stripe', stripeEvent('evt_1'));
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ accepted: 2, duplicate: false, events: 1, duplicates: 0 });
    expect(queue.queued).toHaveLength(2);
    const bodies = queue.queued.map((m) => envelope.parse(JSON.parse(m.body)));
    expect(res.json.commands).toEqual(bodies.map((b) => b.id));
    expect(bodies.map((b) => b.command.type)).toEqual(['upsert_user', 'track_event']);
    expect(bodies.every((b) => b.eventId === 'evt_1' && b.source === 'stripe')).toBe(true);
    expect(bodies[0]?.receivedAt).toBe(NOW.toISOString());
    for (const message of queue.queued) {
      expect(message.groupId).toBe('user-1');
      expect(message.dedupeId).toBe(JSON.parse(message.body).id);
    }
  });

  it('an event no rule matches answers 202 accepted 0, queues nothing, and is logged as unmatched', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'stripe', stripeEvent('evt_2', { type: 'invoice.created' }));
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ accepted: 0, commands: [], duplicate: false });
    expect(queue.sendCalls).toHaveLength(0);
    const line = logs.entries().find((e) => e.message === 'webhook accepted');
    expect(line).toMatchObject({ source: 'stripe', status: 202, unmatched: ['evt_2'], accepted: 0 });
  });

  it('a replayed event answers 200 duplicate with the first delivery’s commands and queues nothing more', async () => {
    const { app, queue } = setup();
    const first = await post(app, 'stripe', stripeEvent('evt_3'));
    const second = await post(app, 'stripe', stripeEvent('evt_3'));
    const third = await post(app, 'stripe', stripeEvent('evt_3'));
    expect(first.status).toBe(202);
    for (const replay of [second, third]) {
      expect(replay.status).toBe(200);
      expect(replay.json).toMatchObject({ duplicate: true, accepted: 2, duplicates: 1 });
      expect(replay.json.commands).toEqual(first.json.commands);
    }
    expect(queue.sendCalls).toHaveLength(1);
    expect(queue.queued).toHaveLength(2);
  });

  it('the same event id from another source is a different event', async () => {
    const rules = ruleSet(stripeSource, { ...stripeSource, name: 'stripe-eu' });
    const { app, queue } = setup({ rules: () => rules });
    const secret = SECRETS.STRIPE_WEBHOOK_SECRET;
    expect((await post(app, 'stripe', stripeEvent('evt_4'), { secret })).status).toBe(202);
    expect((await post(app, 'stripe-eu', stripeEvent('evt_4'), { secret })).status).toBe(202);
    expect(queue.sendCalls).toHaveLength(2);
  });

  it('accepts a Standard Webhooks event whose id is the webhook-id header', async () => {
    const { app, queue } = setup();
    const body = { type: 'user.signed_up', data: { user_id: 'u-9', email: PAYLOAD_MARKER } };
    const res = await post(app, 'portal', body, { eventId: 'msg_abc' });
    expect(res.status).toBe(202);
    expect(JSON.parse(queue.queued[0]?.body ?? '{}').eventId).toBe('msg_abc');
  });

  it('accepts a Svix-sent event (svix-id/svix-timestamp/svix-signature): its id is the svix-id that was verified', async () => {
    const { app, queue } = setup();
    const raw = JSON.stringify({ type: 'user.signed_up', data: { user_id: 'u-9', email: PAYLOAD_MARKER } });
    const url = `${BASE}/webhooks/portal`;
    const signed = signedRequest(PORTAL_VERIFY, {
      body: raw,
      secret: SECRETS.PORTAL_WEBHOOK_SECRET,
      now: NOW,
      url,
      eventId: 'msg_svix',
    });
    const headers = Object.fromEntries(
      Object.entries(signed.headers).map(([name, value]) => [name.replace(/^webhook-/, 'svix-'), value]),
    );
    expect(Object.keys(headers)).toEqual(
      expect.arrayContaining(['svix-id', 'svix-timestamp', 'svix-signature']),
    );
    forbidden.push(headers['svix-signature'] as string);
    const res = await app.request(url, { method: 'POST', headers, body: raw });
    responses.push(await res.clone().text());
    expect(res.status).toBe(202);
    expect(JSON.parse(queue.queued[0]?.body ?? '{}').eventId).toBe('msg_svix');
  });

  it('accepts the charset parameter and +json media types', async () => {
    const { app } = setup();
    expect(
      (await post(app, 'stripe', stripeEvent('evt_5'), { contentType: 'application/json; charset=utf-8' }))
        .status,
    ).toBe(202);
    expect(
      (await post(app, 'stripe', stripeEvent('evt_6'), { contentType: 'Application/Vnd.Stripe+JSON' }))
        .status,
    ).toBe(202);
  });

  it('accepts a body signed with either secret of a rotation list', async () => {
    const { app, env } = setup();
    env.STRIPE_WEBHOOK_SECRET = JSON.stringify(['whsec_new_rotated_secret', SECRETS.STRIPE_WEBHOOK_SECRET]);
    forbidden.push('whsec_new_rotated_secret');
    expect((await post(app, 'stripe', stripeEvent('evt_7'))).status).toBe(202);
    expect(
      (await post(app, 'stripe', stripeEvent('evt_8'), { secret: 'whsec_new_rotated_secret' })).status,
    ).toBe(202);
  });

  it('reads the rule set through the getter on every request (hot reload)', async () => {
    let rules = ruleSet(stripeSource);
    const { app } = setup({ rules: () => rules });
    expect((await post(app, 'hubspot', [hubspotEvent(1, 1, 'lead')])).status).toBe(404);
    rules = tinyRules();
    expect((await post(app, 'hubspot', [hubspotEvent(1, 1, 'lead')])).status).toBe(202);
  });

  it('another method on a webhook route → 405 with Allow: POST', async () => {
    const { app, queue } = setup();
    const res = await app.request(`${BASE}/webhooks/stripe`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('GET /healthz answers 200', async () => {
    const { app } = setup();
    const res = await app.request(`${BASE}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('readiness (/readyz)', () => {
  it('200 ready when every check passes, naming them', async () => {
    const { app } = setup({ readiness: { queue: async () => {}, idempotency: () => {} } });
    const res = await app.request(`${BASE}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { queue: 'ok', idempotency: 'ok' } });
  });

  it('503 not_ready with Retry-After when the queue is down, while /healthz stays 200', async () => {
    const { app } = setup({
      readiness: {
        queue: async () => {
          throw new Error('disk full at /secret/path');
        },
        idempotency: () => {},
      },
    });
    const res = await app.request(`${BASE}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    const text = await res.text();
    expect(text).not.toContain('/secret/path');
    expect(JSON.parse(text)).toMatchObject({
      error: { code: 'not_ready', message: expect.stringContaining('queue') },
      checks: { queue: 'failing', idempotency: 'ok' },
    });
    expect((await app.request(`${BASE}/healthz`)).status).toBe(200);
  });

  it('a hung idempotency store is timed_out within the readiness timeout, not a hung probe', async () => {
    const { app } = setup({
      readiness: { queue: () => {}, idempotency: () => new Promise(() => {}) },
      readinessTimeoutMs: 20,
    });
    const res = await app.request(`${BASE}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { idempotency: 'timed_out' } });
  });
});

describe('batches (HubSpot)', () => {
  it('splits a batch into events and queues each event’s commands', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'hubspot', [hubspotEvent(101, 1, 'lead'), hubspotEvent(102, 2, 'customer')]);
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ accepted: 2, events: 2, duplicates: 0, duplicate: false });
    expect(queue.queued.map((m) => m.groupId)).toEqual(['hs-1', 'hs-2']);
  });

  it('a batch mixing seen and new events queues only the new ones and answers 202 with totals', async () => {
    const { app, queue } = setup();
    await post(app, 'hubspot', [hubspotEvent(201, 1, 'lead')]);
    const res = await post(app, 'hubspot', [hubspotEvent(201, 1, 'lead'), hubspotEvent(202, 2, 'customer')]);
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ accepted: 2, events: 2, duplicates: 1, duplicate: false });
    expect(queue.sendCalls).toHaveLength(2);
    expect(queue.queued.map((m) => m.groupId)).toEqual(['hs-1', 'hs-2']);
  });

  it('a batch of only seen events answers 200 duplicate', async () => {
    const { app } = setup();
    const batch = [hubspotEvent(301, 1, 'lead'), hubspotEvent(302, 2, 'customer')];
    await post(app, 'hubspot', batch);
    const res = await post(app, 'hubspot', batch);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ duplicate: true, events: 2, duplicates: 2 });
  });

  it('stops at the first event that cannot be queued; the retry resumes there without duplicates', async () => {
    const { app, queue } = setup();
    const batch = [hubspotEvent(401, 1, 'lead'), hubspotEvent(402, 2, 'lead'), hubspotEvent(403, 3, 'lead')];
    // First event's send succeeds; the second's fails; the third must not be tried (per-user order).
    let calls = 0;
    const send = queue.send.bind(queue);
    queue.send = async (messages) => {
      calls += 1;
      if (calls === 2) queue.failNextSend(0);
      return send(messages);
    };
    const failed = await post(app, 'hubspot', batch);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(queue.queued.map((m) => m.groupId)).toEqual(['hs-1']);
    expect(queue.sendCalls).toHaveLength(2);

    const retry = await post(app, 'hubspot', batch);
    expect(retry.status).toBe(202);
    expect(retry.json).toMatchObject({ events: 3, duplicates: 1, accepted: 3 });
    expect(queue.queued.map((m) => m.groupId)).toEqual(['hs-1', 'hs-2', 'hs-3']);
  });
});

describe('events per request', () => {
  it('a batch over the cap → 413 too_many_events with the cap in the message, nothing queued', async () => {
    const { app, queue } = setup({ maxEventsPerRequest: 3 });
    const batch = [1, 2, 3, 4].map((n) => hubspotEvent(700 + n, n, 'lead'));
    const res = await post(app, 'hubspot', batch);
    expect(res.status).toBe(413);
    expect(res.json.error?.code).toBe('too_many_events');
    expect(res.json.error?.message).toContain('at most 3');
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('the default cap is 1,000 events', async () => {
    const { app, queue } = setup();
    const batch = Array.from({ length: 1_001 }, (_, n) => hubspotEvent(10_000 + n, n, 'lead'));
    const res = await post(app, 'hubspot', batch);
    expect(res.status).toBe(413);
    expect(res.json.error?.message).toContain('at most 1000');
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('a large batch yields to the event loop while it runs, so other work is not stalled', async () => {
    const { app, queue } = setup();
    const batch = Array.from({ length: 400 }, (_, n) => hubspotEvent(20_000 + n, n, 'lead'));
    let sendsWhenOtherWorkRan: number | undefined;
    const request = post(app, 'hubspot', batch);
    // Let the request get past its body read and into the events before the other work is queued.
    while (queue.sendCalls.length === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    setImmediate(() => {
      sendsWhenOtherWorkRan = queue.sendCalls.length;
    });
    const res = await request;
    expect(res.status).toBe(202);
    expect(sendsWhenOtherWorkRan).toBeDefined();
    expect(sendsWhenOtherWorkRan).toBeLessThan(400);
  });
});

describe('a command too large for one queue message', () => {
  const HUGE = 'x'.repeat(300 * 1024);

  it('a batch whose second item cannot fit → 413 message_too_large naming it; the others are queued', async () => {
    const { app, queue } = setup();
    const batch = [hubspotEvent(501, 1, 'lead'), hubspotEvent(502, 2, HUGE), hubspotEvent(503, 3, 'lead')];
    const res = await post(app, 'hubspot', batch);
    expect(res.status).toBe(413);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.json.error?.code).toBe('message_too_large');
    expect(res.json.error?.message).toContain('event 2 of 3');
    expect(queue.queued.map((m) => m.groupId)).toEqual(['hs-1', 'hs-3']);
    const line = logs.entries().find((l) => l.status === 413);
    expect(line).toMatchObject({
      outcome: 'message_too_large',
      events: [{ outcome: 'accepted' }, { outcome: 'rejected' }, { outcome: 'accepted' }],
    });
  });

  it('a retry answers the same 413 and queues nothing more (the others are duplicates)', async () => {
    const { app, queue } = setup();
    const batch = [hubspotEvent(601, 1, HUGE), hubspotEvent(602, 2, 'lead')];
    await post(app, 'hubspot', batch);
    const retry = await post(app, 'hubspot', batch);
    expect(retry.status).toBe(413);
    expect(retry.json.error?.code).toBe('message_too_large');
    expect(queue.queued.map((m) => m.groupId)).toEqual(['hs-2']);
  });
});

describe('bad input leaves the queue unchanged', () => {
  async function expectRejected(
    res: Awaited<ReturnType<typeof post>>,
    status: number,
    code: string,
    queue: ReturnType<typeof fakeQueue>,
  ) {
    expect(res.status).toBe(status);
    expect(res.json).toEqual({ error: { code, message: expect.any(String) } });
    expect(queue.sendCalls).toHaveLength(0);
  }

  it('unknown source → 404', async () => {
    const { app, queue } = setup();
    await expectRejected(await post(app, 'nope', stripeEvent('evt_x')), 404, 'unknown_source', queue);
  });

  it('a malformed percent escape as the source (/webhooks/%E0%A4%A) → 404 with the JSON body, never 500', async () => {
    const { app, queue } = setup();
    const res = await app.request(`${BASE}/webhooks/%E0%A4%A`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'unknown_source', message: expect.any(String) } });
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('missing signature → 401 missing_header', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'stripe', stripeEvent('evt_x'), { dropHeaders: ['stripe-signature'] });
    await expectRejected(res, 401, 'missing_header', queue);
  });

  it('garbled signature header → 401 malformed_header', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'stripe', stripeEvent('evt_x'), {
      headers: { 'stripe-signature': 'garbage!!' },
    });
    await expectRejected(res, 401, 'malformed_header', queue);
  });

  it('forged signature (unknown secret) → 401 bad_signature', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'stripe', stripeEvent('evt_x'), { secret: 'whsec_attacker_guess' });
    await expectRejected(res, 401, 'bad_signature', queue);
  });

  it('signed with the secret of another source → 401 bad_signature', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'stripe', stripeEvent('evt_x'), { secret: SECRETS.HUBSPOT_CLIENT_SECRET });
    await expectRejected(res, 401, 'bad_signature', queue);
  });

  it('a body changed after signing → 401 bad_signature', async () => {
    const { app, queue } = setup();
    const url = `${BASE}/webhooks/stripe`;
    const signed = signedRequest(STRIPE_VERIFY, {
      body: JSON.stringify(stripeEvent('evt_x')),
      secret: SECRETS.STRIPE_WEBHOOK_SECRET,
      now: NOW,
      url,
    });
    forbidden.push(signed.headers['stripe-signature'] as string);
    const res = await app.request(url, {
      method: 'POST',
      headers: signed.headers,
      body: `${JSON.stringify(stripeEvent('evt_x'))} `,
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_signature');
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('timestamp 6 minutes old → 401 stale_timestamp', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'stripe', stripeEvent('evt_x'), { now: new Date(NOW.getTime() - 360_000) });
    await expectRejected(res, 401, 'stale_timestamp', queue);
  });

  it('timestamp 6 minutes ahead → 401 future_timestamp', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'stripe', stripeEvent('evt_x'), { now: new Date(NOW.getTime() + 360_000) });
    await expectRejected(res, 401, 'future_timestamp', queue);
  });

  it('HubSpot signature over another URL → 401 (the verifier sees the URL the sender called)', async () => {
    const { app, queue } = setup();
    const raw = JSON.stringify([hubspotEvent(1, 1, 'lead')]);
    const signed = signedRequest(HUBSPOT_VERIFY, {
      body: raw,
      secret: SECRETS.HUBSPOT_CLIENT_SECRET,
      now: NOW,
      url: 'https://other.example.com/webhooks/hubspot',
    });
    for (const [k, v] of Object.entries(signed.headers)) if (k !== 'content-type') forbidden.push(v);
    const res = await app.request(`${BASE}/webhooks/hubspot`, {
      method: 'POST',
      headers: signed.headers,
      body: raw,
    });
    expect(res.status).toBe(401);
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('malformed JSON (correctly signed) → 400 malformed_json', async () => {
    const { app, queue } = setup();
    await expectRejected(await post(app, 'stripe', '{"id": "evt_x",'), 400, 'malformed_json', queue);
  });

  it('invalid UTF-8 (correctly signed) → 400 malformed_json', async () => {
    const { app, queue } = setup();
    const url = `${BASE}/webhooks/stripe`;
    const raw = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]);
    const signed = signedRequest(STRIPE_VERIFY, {
      body: raw,
      secret: SECRETS.STRIPE_WEBHOOK_SECRET,
      now: NOW,
      url,
    });
    forbidden.push(signed.headers['stripe-signature'] as string);
    const res = await app.request(url, { method: 'POST', headers: signed.headers, body: raw });
    expect(res.status).toBe(400);
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('a JSON array where an object is required → 400 malformed_event', async () => {
    const { app, queue } = setup();
    await expectRejected(await post(app, 'stripe', [stripeEvent('evt_x')]), 400, 'malformed_event', queue);
  });

  it('body over the default 1 MiB limit → 413', async () => {
    const { app, queue } = setup();
    const big = JSON.stringify({ ...stripeEvent('evt_big'), pad: 'x'.repeat(1024 * 1024) });
    await expectRejected(await post(app, 'stripe', big), 413, 'payload_too_large', queue);
  });

  it('body over the limit without Content-Length (streamed) → 413', async () => {
    const { app, queue } = setup({ bodyLimitBytes: 1024 });
    const url = `${BASE}/webhooks/stripe`;
    const raw = JSON.stringify({ ...stripeEvent('evt_big'), pad: 'x'.repeat(2048) });
    const signed = signedRequest(STRIPE_VERIFY, {
      body: raw,
      secret: SECRETS.STRIPE_WEBHOOK_SECRET,
      now: NOW,
      url,
    });
    forbidden.push(signed.headers['stripe-signature'] as string);
    const bytes = new TextEncoder().encode(raw);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 500) controller.enqueue(bytes.slice(i, i + 500));
        controller.close();
      },
    });
    const res = await app.request(url, {
      method: 'POST',
      headers: signed.headers,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('a body exactly at the limit is accepted', async () => {
    const base = JSON.stringify(stripeEvent('evt_edge'));
    const { app } = setup({ bodyLimitBytes: new TextEncoder().encode(base).length });
    expect((await post(app, 'stripe', base)).status).toBe(202);
  });

  it('wrong content type → 415', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'stripe', stripeEvent('evt_x'), { contentType: 'text/plain' });
    await expectRejected(res, 415, 'unsupported_media_type', queue);
  });

  it('no content type → 415', async () => {
    const { app, queue } = setup();
    const res = await post(app, 'stripe', stripeEvent('evt_x'), { contentType: null });
    await expectRejected(res, 415, 'unsupported_media_type', queue);
  });

  it('every rejection is logged once with source, status and code', async () => {
    const { app } = setup();
    await post(app, 'stripe', stripeEvent('evt_x'), { secret: 'whsec_attacker_guess' });
    const lines = logs
      .entries()
      .filter((e) => typeof e.message === 'string' && e.message.startsWith('webhook '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'WARN',
      source: 'stripe',
      status: 401,
      outcome: 'bad_signature',
    });
    expect(typeof lines[0]?.latencyMs).toBe('number');
  });
});

describe('failures on our side', () => {
  it('queue unreachable → 503 with Retry-After, no idempotency record, and the retry queues once', async () => {
    const { app, queue, idempotency } = setup();
    queue.goDown();
    const failed = await post(app, 'stripe', stripeEvent('evt_q'));
    expect(failed.status).toBe(503);
    expect(failed.json.error?.code).toBe('queue_unreachable');
    expect(failed.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(idempotency.records.size).toBe(0);
    expect(queue.queued).toHaveLength(0);
    const line = logs.entries().find((e) => e.outcome === 'queue_unreachable');
    expect(line).toMatchObject({ level: 'ERROR', status: 503, events: [{ id: 'evt_q', outcome: 'failed' }] });
    expect(line?.error).toMatchObject({ name: 'QueueError', code: 'queue_unreachable' });

    queue.recover();
    const retry = await post(app, 'stripe', stripeEvent('evt_q'));
    expect(retry.status).toBe(202);
    expect(retry.json.duplicate).toBe(false);
    expect(queue.queued).toHaveLength(2);
  });

  it('a send that fails half-way → 503; the retry re-sends, FIFO dedupe keeps one copy of each command', async () => {
    const { app, queue } = setup();
    queue.failNextSend(1);
    expect((await post(app, 'stripe', stripeEvent('evt_h'))).status).toBe(503);
    expect(queue.queued).toHaveLength(1);
    const retry = await post(app, 'stripe', stripeEvent('evt_h'));
    expect(retry.status).toBe(202);
    expect(queue.queued.map((m) => m.dedupeId)).toEqual(retry.json.commands);
    expect(queue.sendCalls[1]?.map((m) => m.dedupeId)).toEqual(retry.json.commands);
  });

  it('an event in progress elsewhere → 409 with Retry-After, and nothing is queued for it', async () => {
    const { app, queue } = setup();
    const release = queue.holdNextSend();
    const first = post(app, 'stripe', stripeEvent('evt_p'));
    // Let the first request claim the event and reach the queue.
    while (queue.sendCalls.length === 0) await new Promise((r) => setImmediate(r));
    const second = await post(app, 'stripe', stripeEvent('evt_p'));
    expect(second.status).toBe(409);
    expect(second.json.error?.code).toBe('event_in_progress');
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(queue.sendCalls).toHaveLength(1);
    release();
    expect((await first).status).toBe(202);
  });

  it('idempotency store unreachable → 503 idempotency_unavailable, nothing queued', async () => {
    const { app, queue, idempotency } = setup();
    idempotency.down = true;
    const res = await post(app, 'stripe', stripeEvent('evt_i'));
    expect(res.status).toBe(503);
    expect(res.json.error?.code).toBe('idempotency_unavailable');
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('a secret name without a value → 500 secret_missing, the variable named in the log only', async () => {
    const { app, queue, env } = setup();
    delete env.STRIPE_WEBHOOK_SECRET;
    const res = await post(app, 'stripe', stripeEvent('evt_s'));
    expect(res.status).toBe(500);
    expect(res.json.error?.code).toBe('secret_missing');
    expect(JSON.stringify(res.json)).not.toContain('STRIPE_WEBHOOK_SECRET');
    const line = logs.entries().find((e) => e.outcome === 'secret_missing');
    expect(line?.level).toBe('ERROR');
    expect(JSON.stringify(line)).toContain('STRIPE_WEBHOOK_SECRET');
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('the verifier sees the public URL when one is configured (HubSpot signs it)', async () => {
    const { app, queue } = setup({ publicBaseUrl: 'https://hooks.example.com/' });
    const raw = JSON.stringify([hubspotEvent(9, 9, 'lead')]);
    const signed = signedRequest(HUBSPOT_VERIFY, {
      body: raw,
      secret: SECRETS.HUBSPOT_CLIENT_SECRET,
      now: NOW,
      url: 'https://hooks.example.com/webhooks/hubspot?portal=1',
    });
    for (const [k, v] of Object.entries(signed.headers)) if (k !== 'content-type') forbidden.push(v);
    const res = await app.request(`${BASE}/webhooks/hubspot?portal=1`, {
      method: 'POST',
      headers: signed.headers,
      body: raw,
    });
    expect(res.status).toBe(202);
    expect(queue.queued).toHaveLength(1);
  });
});
