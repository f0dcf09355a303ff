// Ingest over the real SQS protocol (fauxqs) with the shipped rule files and fixtures: the happy path, replays,
// and SQS outages or throttling that answer 503 without leaving anything a retry would duplicate.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import {
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Envelope, envelope } from '../../../lib/commands/index.ts';
import { createIngestApp } from '../../../lib/ingest/index.ts';
import { createLogger } from '../../../lib/logger.ts';
import type { Queue } from '../../../lib/queue/queue.ts';
import { createSqsQueue, type SqsQueue } from '../../../lib/queue/sqs/sqs-queue.ts';
import type { RuleSet } from '../../../lib/rules/index.ts';
import { loadRules } from '../../../lib/rules/index.ts';
import { envSecretSource } from '../../../lib/secrets/index.ts';
import { signedRequest } from '../../helpers/signed-request.ts';
import { type SqsEmulator, startSqsEmulator } from '../../helpers/sqs-emulator.ts';
import { MemoryPersistenceLayer } from '../../unit/ingest/fakes.ts';

const SECRETS = {
  STRIPE_WEBHOOK_SECRET: 'whsec_integration_stripe_secret',
  HUBSPOT_CLIENT_SECRET: 'integration-hubspot-client-secret',
  PORTAL_WEBHOOK_SECRET: 'whsec_aW50ZWdyYXRpb24tcG9ydGFsLXNlY3JldA==',
};
const NOW = new Date('2026-01-15T10:00:00Z');
const BASE = 'http://localhost';
const fixture = (path: string) =>
  readFileSync(new URL(`../../fixtures/webhooks/${path}`, import.meta.url), 'utf8');

let emulator: SqsEmulator;
let rules: RuleSet;
let queueNumber = 0;

beforeAll(async () => {
  emulator = await startSqsEmulator();
  rules = await loadRules(new URL('../../../rules', import.meta.url).pathname);
});
afterAll(async () => {
  await emulator?.close();
});

/** A fresh FIFO queue per test and an SQS adapter on a client the test may sabotage. */
async function freshQueue(client?: SQSClient): Promise<SqsQueue> {
  queueNumber += 1;
  const created = await emulator.createFifoQueue(`ingest-${queueNumber}`);
  return createSqsQueue({ queueUrl: created.url, client: client ?? emulator.clientConfig, retryBaseMs: 1 });
}

function appWith(queue: Queue, idempotency = new MemoryPersistenceLayer()) {
  return createIngestApp({
    rules: () => rules,
    secrets: envSecretSource(SECRETS),
    queue,
    idempotency,
    logger: createLogger({ service: 'ingest', level: 'SILENT' }),
    clock: () => NOW,
  });
}

async function postStripe(app: ReturnType<typeof appWith>, raw: string) {
  const url = `${BASE}/webhooks/stripe`;
  const signed = signedRequest(rules.get('stripe')?.verify ?? fail(), {
    body: raw,
    secret: SECRETS.STRIPE_WEBHOOK_SECRET,
    now: NOW,
    url,
  });
  const res = await app.request(url, { method: 'POST', headers: signed.headers, body: raw });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function fail(): never {
  throw new Error('the shipped rules have no stripe source');
}

/** Everything on the queue, in FIFO order (fauxqs hands out one message per group per receive). */
async function drain(queue: SqsQueue, groups: string[] = []): Promise<Envelope[]> {
  const out: Envelope[] = [];
  for (;;) {
    const messages = await queue.receive({ maxMessages: 10, waitSeconds: 0 });
    if (messages.length === 0) return out;
    for (const message of messages) {
      out.push(envelope.parse(JSON.parse(message.body)));
      groups.push(message.groupId);
    }
    await queue.delete(messages.map((m) => m.receiptHandle));
  }
}

const TRIAL_CONVERTED = fixture('stripe/customer.subscription.updated.trialing_to_active.json');

describe('ingest → SQS FIFO', () => {
  it('queues every command of a Stripe event, in rule order, grouped by user', async () => {
    const queue = await freshQueue();
    const res = await postStripe(appWith(queue), TRIAL_CONVERTED);
    expect(res.status).toBe(202);
    const groups: string[] = [];
    const queued = await drain(queue, groups);
    expect(queued.map((e) => e.id)).toEqual(res.json.commands);
    expect(queued.length).toBeGreaterThan(1);
    const user = JSON.parse(TRIAL_CONVERTED).data.object.metadata.userflow_user_id;
    expect(new Set(groups)).toEqual(new Set([user]));
    expect(new Set(queued.map((e) => e.eventId))).toEqual(new Set([JSON.parse(TRIAL_CONVERTED).id]));
  });

  it('a valid event posted 3 times is queued once', async () => {
    const queue = await freshQueue();
    const app = appWith(queue);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postStripe(app, TRIAL_CONVERTED)).status);
    expect(statuses).toEqual([202, 200, 200]);
    const queued = await drain(queue);
    expect(new Set(queued.map((e) => e.id)).size).toBe(queued.length);
    expect(queued.length).toBe(((await postStripe(app, TRIAL_CONVERTED)).json.commands as string[]).length);
  });

  it('splits a HubSpot batch and queues each event once', async () => {
    const queue = await freshQueue();
    const app = appWith(queue);
    const raw = fixture('hubspot/batch.mixed.json');
    const url = `${BASE}/webhooks/hubspot`;
    const signed = signedRequest(rules.get('hubspot')?.verify ?? fail(), {
      body: raw,
      secret: SECRETS.HUBSPOT_CLIENT_SECRET,
      now: NOW,
      url,
    });
    const res = await app.request(url, { method: 'POST', headers: signed.headers, body: raw });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { events: number; commands: string[] };
    expect(body.events).toBe(JSON.parse(raw).length);
    expect((await drain(queue)).map((e) => e.id).sort()).toEqual([...body.commands].sort());
  });
});

describe('SQS failures answer 503 and the retry does not duplicate', () => {
  it('SQS unreachable → 503; the retry against a reachable SQS queues each command once', async () => {
    const healthy = await freshQueue();
    const deadClient = new SQSClient({
      ...emulator.clientConfig,
      endpoint: await closedPortUrl(),
      maxAttempts: 1,
    });
    const dead = createSqsQueue({ queueUrl: healthy.url, client: deadClient });
    let target: Queue = dead;
    const app = appWith(switchable(() => target));

    const failed = await postStripe(app, TRIAL_CONVERTED);
    expect(failed.status).toBe(503);
    expect(failed.json).toEqual({ error: { code: 'queue_unreachable', message: expect.any(String) } });
    expect((await healthy.counts()).visible).toBe(0);

    target = healthy;
    const retry = await postStripe(app, TRIAL_CONVERTED);
    expect(retry.status).toBe(202);
    expect((await drain(healthy)).map((e) => e.id)).toEqual(retry.json.commands);
    deadClient.destroy();
  });

  it('SQS throttling the whole call → 503 queue_throttled, nothing queued', async () => {
    const client = new SQSClient({ ...emulator.clientConfig, maxAttempts: 1 });
    const chaos = throttle(client, 'call');
    const queue = await freshQueue(client);
    const app = appWith(queue);
    const failed = await postStripe(app, TRIAL_CONVERTED);
    expect(failed.status).toBe(503);
    expect((failed.json.error as { code: string }).code).toBe('queue_throttled');
    expect((await queue.counts()).visible).toBe(0);

    chaos.off();
    expect((await postStripe(app, TRIAL_CONVERTED)).status).toBe(202);
    client.destroy();
  });

  it('SQS throttling some entries → 503 with the rest really queued; the retry leaves one copy of each', async () => {
    const client = new SQSClient({ ...emulator.clientConfig, maxAttempts: 1 });
    const chaos = throttle(client, 'entries');
    const queue = await freshQueue(client);
    const app = appWith(queue);
    const failed = await postStripe(app, TRIAL_CONVERTED);
    expect(failed.status).toBe(503);
    expect((await queue.counts()).visible).toBe(1);

    chaos.off();
    const retry = await postStripe(app, TRIAL_CONVERTED);
    expect(retry.status).toBe(202);
    const queued = await drain(queue);
    expect(queued.map((e) => e.id)).toEqual(retry.json.commands);
    client.destroy();
  });
});

/** A Queue that forwards to whichever adapter `current()` returns: a Lambda retried onto a healthy network. */
function switchable(current: () => Queue): Queue {
  return {
    send: (messages) => current().send(messages),
    receive: (options) => current().receive(options),
    delete: (handles) => current().delete(handles),
    changeVisibility: (handle, seconds) => current().changeVisibility(handle, seconds),
  };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * Middleware on the real SQSClient that throttles SendMessageBatch. `call`: the whole call fails as SQS fails
 * it (ThrottlingException, before anything is sent). `entries`: the first call sends only its first entry and
 * reports the others as throttled; later calls send nothing and report every entry throttled — so what is
 * reported failed is really not on the queue, and the adapter's own entry retries do not get through.
 */
function throttle(client: SQSClient, mode: 'call' | 'entries') {
  let on = true;
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!on || context.commandName !== 'SendMessageBatchCommand') return next(args);
      calls += 1;
      if (mode === 'call') {
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          $retryable: { throttling: true },
        });
      }
      const input = args.input as SendMessageBatchCommandInput;
      const entries = input.Entries ?? [];
      const passed = calls === 1 ? entries.slice(0, 1) : [];
      const throttled = entries.slice(passed.length).map((entry) => ({
        Id: entry.Id,
        Code: 'ThrottlingException',
        SenderFault: false,
        Message: 'Rate exceeded',
      }));
      if (passed.length === 0) {
        return { output: { Successful: [], Failed: throttled, $metadata: {} }, response: {} } as never;
      }
      const result = await next({ ...args, input: { ...input, Entries: passed } });
      const output = result.output as SendMessageBatchCommandOutput;
      output.Failed = [...(output.Failed ?? []), ...throttled];
      return result;
    },
    { step: 'initialize', name: 'testThrottle' },
  );
  return {
    off() {
      on = false;
    },
  };
}
