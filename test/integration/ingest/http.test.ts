// The ingest app over real HTTP (@hono/node-server on 127.0.0.1, as local mode serves it): bodies with a
// Content-Length and chunked ones reach the verifier whole, and the size limit holds for both.
import { afterEach, describe, expect, it } from 'vitest';
import { type ListeningServer, listen } from '../../../lib/http-server.ts';
import { createIngestApp } from '../../../lib/ingest/index.ts';
import { createLogger } from '../../../lib/logger.ts';
import { envSecretSource } from '../../../lib/secrets/index.ts';
import { signedRequest } from '../../helpers/signed-request.ts';
import { fakeQueue, MemoryPersistenceLayer } from '../../unit/ingest/fakes.ts';
import { SECRETS, STRIPE_VERIFY, stripeEvent, tinyRules } from '../../unit/ingest/tiny-rules.ts';

const NOW = new Date('2026-01-15T10:00:00Z');
const servers: ListeningServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(bodyLimitBytes: number) {
  const queue = fakeQueue();
  const app = createIngestApp({
    rules: tinyRules,
    secrets: envSecretSource({ ...SECRETS }),
    queue,
    idempotency: new MemoryPersistenceLayer(),
    logger: createLogger({ service: 'ingest', level: 'SILENT' }),
    clock: () => NOW,
    bodyLimitBytes,
  });
  // listen() serves any fetch handler; its parameter is typed as a plain Hono app.
  const server = await listen(app as unknown as Parameters<typeof listen>[0], '127.0.0.1', 0);
  servers.push(server);
  return { url: `http://127.0.0.1:${server.port}/webhooks/stripe`, queue };
}

/** A signed Stripe event whose body is `padding` bytes longer than the bare event. */
function signedEvent(id: string, padding = 0) {
  const body = JSON.stringify({ ...stripeEvent(id), pad: 'x'.repeat(padding) });
  return signedRequest(STRIPE_VERIFY, { body, secret: SECRETS.STRIPE_WEBHOOK_SECRET, now: NOW });
}

const byteLength = (text: string | Uint8Array) =>
  typeof text === 'string' ? Buffer.byteLength(text) : text.byteLength;

/** The body as a stream of small chunks: fetch sends it chunked, without a Content-Length. */
function streamed(body: string | Uint8Array): ReadableStream<Uint8Array> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 256) controller.enqueue(bytes.slice(i, i + 256));
      controller.close();
    },
  });
}

describe('ingest over HTTP', () => {
  it('accepts a body with a Content-Length exactly at the limit', async () => {
    const event = signedEvent('evt_at_limit', 100);
    const { url, queue } = await serve(byteLength(event.body));
    const res = await fetch(url, { method: 'POST', headers: event.headers, body: event.body });
    expect(res.status).toBe(202);
    expect(queue.queued.length).toBeGreaterThan(0);
  });

  it('refuses a Content-Length one byte over the limit with 413, queueing nothing', async () => {
    const event = signedEvent('evt_over_limit', 100);
    const { url, queue } = await serve(byteLength(event.body) - 1);
    const res = await fetch(url, { method: 'POST', headers: event.headers, body: event.body });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('accepts a chunked body within the limit, verified over every chunk', async () => {
    const event = signedEvent('evt_chunked', 2000);
    const { url, queue } = await serve(byteLength(event.body));
    const res = await fetch(url, {
      method: 'POST',
      headers: event.headers,
      body: streamed(event.body),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(202);
    expect(queue.queued.length).toBeGreaterThan(0);
  });

  it('refuses a chunked body over the limit with 413, queueing nothing', async () => {
    const event = signedEvent('evt_chunked_over', 2000);
    const { url, queue } = await serve(byteLength(event.body) - 1);
    const res = await fetch(url, {
      method: 'POST',
      headers: event.headers,
      body: streamed(event.body),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(queue.sendCalls).toHaveLength(0);
  });
});
