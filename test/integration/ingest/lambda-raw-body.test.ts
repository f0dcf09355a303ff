// API Gateway v2 events through `handle(app)` (hono/aws-lambda, as functions/ingest.ts serves the app): the
// verifier gets the sender's bytes exactly — plain and base64 bodies, NFD unicode, emoji, CRLF, trailing spaces.
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../../lib/ingest/index.ts';
import { createLogger } from '../../../lib/logger.ts';
import { envSecretSource } from '../../../lib/secrets/index.ts';
import { signedRequest } from '../../helpers/signed-request.ts';
import { fakeQueue, MemoryPersistenceLayer } from '../../unit/ingest/fakes.ts';
import { HUBSPOT_VERIFY, SECRETS, STRIPE_VERIFY, tinyRules } from '../../unit/ingest/tiny-rules.ts';

const NOW = new Date('2026-01-15T10:00:00Z');
const DOMAIN = 'abc123.execute-api.eu-west-1.amazonaws.com';

/** A body that any re-encoding would change, with an event id: NFD `e\u0301`, emoji, CJK, CRLF, tab, double and trailing spaces. */
const TRICKY =
  '{ "id": "evt_bytes", "type": "test.bytes", "name": "Zoë  Straße ✓ 😀 日本",\r\n\t"nfd": "e\u0301",  "trail": "x   " }\n\n  ';

function lambda() {
  const queue = fakeQueue();
  const handler = handle(
    createIngestApp({
      rules: tinyRules,
      secrets: envSecretSource({ ...SECRETS }),
      queue,
      idempotency: new MemoryPersistenceLayer(),
      logger: createLogger({ service: 'ingest', level: 'SILENT' }),
      clock: () => NOW,
    }),
  );
  const invoke = async (event: APIGatewayProxyEventV2) =>
    // @types/aws-lambda allows an absent body where hono's type says null; these events always carry one.
    (await handler(
      event as unknown as LambdaEvent,
      { getRemainingTimeInMillis: () => 10_000 } as Context,
    )) as Exclude<APIGatewayProxyResultV2, string>;
  return { invoke, queue };
}

function apiGatewayEvent(options: {
  path: string;
  query?: string;
  headers: Record<string, string>;
  body: Uint8Array;
  base64: boolean;
}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: options.path,
    rawQueryString: options.query ?? '',
    headers: { host: DOMAIN, 'content-length': String(options.body.length), ...options.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: DOMAIN,
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'Stripe/1.0',
      },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '15/Jan/2026:10:00:00 +0000',
      timeEpoch: NOW.getTime(),
    },
    body: options.base64
      ? Buffer.from(options.body).toString('base64')
      : new TextDecoder().decode(options.body),
    isBase64Encoded: options.base64,
  };
}

/** Signs `signedBody` but sends `sentBody`: equal bytes must verify, any difference must not. */
function stripeEvent(
  signedBody: string | Uint8Array,
  base64: boolean,
  sentBody: string | Uint8Array = signedBody,
) {
  const signed = signedRequest(STRIPE_VERIFY, {
    body: signedBody,
    secret: SECRETS.STRIPE_WEBHOOK_SECRET,
    now: NOW,
    url: `https://${DOMAIN}/webhooks/stripe`,
  });
  const body = typeof sentBody === 'string' ? new TextEncoder().encode(sentBody) : sentBody;
  return apiGatewayEvent({ path: '/webhooks/stripe', headers: signed.headers, body, base64 });
}

const errorCode = (result: { body?: string }) =>
  (JSON.parse(result.body ?? '{}') as { error?: { code: string } }).error?.code;

describe.each([
  ['plain', false],
  ['base64', true],
])('API Gateway v2 event with a %s body', (_, base64) => {
  it('reaches the verifier byte for byte (the signature over the exact bytes verifies)', async () => {
    const { invoke } = lambda();
    const result = await invoke(stripeEvent(TRICKY, base64));
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({ events: 1, duplicate: false });
  });

  it.each([
    ['NFC instead of NFD', TRICKY.normalize('NFC')],
    ['LF instead of CRLF', TRICKY.replace('\r\n', '\n')],
    ['trailing whitespace trimmed', TRICKY.trimEnd()],
    ['re-serialised JSON', JSON.stringify(JSON.parse(TRICKY))],
  ])('a body that differs only by %s does not verify', async (_, altered) => {
    expect(altered).not.toBe(TRICKY);
    const { invoke, queue } = lambda();
    const result = await invoke(stripeEvent(TRICKY, base64, altered));
    expect(result.statusCode).toBe(401);
    expect(errorCode(result)).toBe('bad_signature');
    expect(queue.sendCalls).toHaveLength(0);
  });
});

describe('API Gateway v2 specifics', () => {
  it('non-UTF-8 bytes in a base64 body reach the verifier intact, then fail parsing as 400', async () => {
    const { invoke, queue } = lambda();
    const binary = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0x0d, 0x0a, 0xc3]);
    const result = await invoke(stripeEvent(binary, true));
    expect(result.statusCode).toBe(400);
    expect(errorCode(result)).toBe('malformed_json');
    expect(queue.sendCalls).toHaveLength(0);
  });

  it('HubSpot v3 verifies against the public URL rebuilt from the event (domain, path, query)', async () => {
    const { invoke, queue } = lambda();
    const raw = JSON.stringify([
      {
        eventId: 7,
        subscriptionType: 'contact.propertyChange',
        objectId: 5,
        propertyName: 'x',
        propertyValue: 'é ✓',
      },
    ]);
    const signed = signedRequest(HUBSPOT_VERIFY, {
      body: raw,
      secret: SECRETS.HUBSPOT_CLIENT_SECRET,
      now: NOW,
      url: `https://${DOMAIN}/webhooks/hubspot?portal=99&x=a%20b`,
    });
    const event = apiGatewayEvent({
      path: '/webhooks/hubspot',
      query: 'portal=99&x=a%20b',
      headers: signed.headers,
      body: new TextEncoder().encode(raw),
      base64: false,
    });
    const result = await invoke(event);
    expect(result.statusCode).toBe(202);
    expect(queue.queued).toHaveLength(1);
  });

  it('answers JSON errors with a JSON content type', async () => {
    const { invoke } = lambda();
    const result = await invoke({ ...stripeEvent(TRICKY, false), rawPath: '/webhooks/unknown' });
    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toMatch(/^application\/json/);
    expect(errorCode(result)).toBe('unknown_source');
  });
});
