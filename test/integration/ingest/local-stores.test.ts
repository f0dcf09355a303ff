// Ingest on the local-mode stores (SQLite idempotency + the embedded SQLite FIFO queue) with the shipped rules:
// replays and concurrent deliveries of one event queue its commands once.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlitePersistenceLayer } from '../../../lib/idempotency/sqlite-persistence-layer.ts';
import { createIngestApp } from '../../../lib/ingest/index.ts';
import { createLogger } from '../../../lib/logger.ts';
import { openSqliteQueues, type SqliteQueues } from '../../../lib/queue/sqlite/sqlite-queue.ts';
import { loadRules } from '../../../lib/rules/index.ts';
import { envSecretSource } from '../../../lib/secrets/index.ts';
import { signedRequest } from '../../helpers/signed-request.ts';

const NOW = new Date('2026-01-15T10:00:00Z');
const SECRET = 'whsec_local_stores_secret';
const URL_STRIPE = 'http://127.0.0.1/webhooks/stripe';
const CHECKOUT = readFileSync(
  new URL('../../fixtures/webhooks/stripe/checkout.session.completed.json', import.meta.url),
  'utf8',
);

const open: { queues?: SqliteQueues; idempotency?: SqlitePersistenceLayer } = {};
afterEach(() => {
  open.queues?.close();
  open.idempotency?.close();
});

async function setup() {
  const rules = await loadRules(new URL('../../../rules', import.meta.url).pathname);
  open.queues = openSqliteQueues({
    path: ':memory:',
    mainName: 'commands',
    dlqName: 'commands-dlq',
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 30,
  });
  open.idempotency = new SqlitePersistenceLayer({ path: ':memory:' });
  const app = createIngestApp({
    rules: () => rules,
    secrets: envSecretSource({ STRIPE_WEBHOOK_SECRET: SECRET }),
    queue: open.queues.main,
    idempotency: open.idempotency,
    logger: createLogger({ service: 'ingest', level: 'SILENT' }),
    clock: () => NOW,
  });
  const verify = rules.get('stripe')?.verify;
  if (!verify) throw new Error('no stripe source in the shipped rules');
  const post = async () => {
    const signed = signedRequest(verify, { body: CHECKOUT, secret: SECRET, now: NOW, url: URL_STRIPE });
    const res = await app.request(URL_STRIPE, { method: 'POST', headers: signed.headers, body: CHECKOUT });
    return { status: res.status, body: (await res.json()) as { commands?: string[] } };
  };
  return { post, main: open.queues.main };
}

describe('ingest on the SQLite stores', () => {
  it('a valid event posted 3 times is queued once', async () => {
    const { post, main } = await setup();
    const results = [await post(), await post(), await post()];
    expect(results.map((r) => r.status)).toEqual([202, 200, 200]);
    const queued = await main.browse();
    expect(queued.map((m) => m.dedupeId)).toEqual(results[0]?.body.commands);
  });

  it('concurrent deliveries of one event: one is accepted, the others answer 200 or 409, nothing twice', async () => {
    const { post, main } = await setup();
    const results = await Promise.all([post(), post(), post(), post()]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.every((s) => s === 202 || s === 200 || s === 409)).toBe(true);
    const accepted = results.find((r) => r.status === 202)?.body.commands;
    expect((await main.browse()).map((m) => m.dedupeId)).toEqual(accepted);
  });
});
