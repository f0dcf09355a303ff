// functions/ingest.ts as Lambda runs it: env config, shipped rules, secrets from Secrets Manager (rotated without
// a redeploy), idempotency in DynamoDB (dynalite) and commands on SQS — each over its real SDK protocol on 127.0.0.1.
import { readFileSync } from 'node:fs';
import { DeleteTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSqsQueue, type SqsQueue } from '../../../lib/queue/sqs/sqs-queue.ts';
import { createSigner } from '../../../lib/sources/index.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../../helpers/dynamodb-emulator.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../helpers/fake-secrets-manager.ts';
import { type SqsEmulator, startSqsEmulator } from '../../helpers/sqs-emulator.ts';

const DOMAIN = 'hooks.execute-api.eu-west-1.amazonaws.com';
const SECRET_ID = 'userflow-bridge/webhook-secrets';
const TABLE = 'ingest-idempotency';
const OLD_SECRET = 'whsec_function_test_old';
const NEW_SECRET = 'whsec_function_test_new';
const TRIAL_CONVERTED = readFileSync(
  new URL(
    '../../fixtures/webhooks/stripe/customer.subscription.updated.trialing_to_active.json',
    import.meta.url,
  ),
  'utf8',
);
const sign = createSigner({ scheme: 'stripe', secrets: ['STRIPE_WEBHOOK_SECRET'], tolerance_seconds: 300 });

let sqs: SqsEmulator;
let sm: FakeSecretsManager;
let ddb: DynamoDbEmulator;
let queue: SqsQueue;
let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  [sqs, sm, ddb] = await Promise.all([
    startSqsEmulator(),
    startFakeSecretsManager(),
    startDynamoDbEmulator(),
  ]);
  // The table as the stack makes it: Powertools' default partition key `id`.
  await ddb.createTable(TABLE, { partitionKey: 'id' });
  const created = await sqs.createFifoQueue('function-ingest');
  queue = createSqsQueue({ queueUrl: created.url, client: sqs.clientConfig });
  sm.put(
    SECRET_ID,
    JSON.stringify({
      STRIPE_WEBHOOK_SECRET: OLD_SECRET,
      HUBSPOT_CLIENT_SECRET: 'hs',
      PORTAL_WEBHOOK_SECRET: 'whsec_cG9ydGFs',
    }),
  );
  Object.assign(process.env, {
    AWS_REGION: sqs.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    QUEUE_URL: created.url,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    WEBHOOK_SECRETS_ID: SECRET_ID,
    WEBHOOK_SECRETS_MAX_AGE_SECONDS: '60',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    IDEMPOTENCY_TABLE: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    RULES_DIR: new URL('../../../rules', import.meta.url).pathname,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  // The module reads its config and rules at import, as a cold start does.
  ({ handler } = (await import('../../../functions/ingest.ts')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  vi.useRealTimers();
  process.env = savedEnv;
  queue?.close();
  await Promise.all([sqs?.close(), sm?.close(), ddb?.close()]);
});

function event(body: string, secret: string, now = new Date()): APIGatewayProxyEventV2 {
  const headers = sign({ rawBody: body, secret, now });
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/webhooks/stripe',
    rawQueryString: '',
    headers: { host: DOMAIN, 'content-type': 'application/json', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'hooks',
      domainName: DOMAIN,
      domainPrefix: 'hooks',
      http: {
        method: 'POST',
        path: '/webhooks/stripe',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'Stripe/1.0',
      },
      requestId: 'req',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

function get(path: string): APIGatewayProxyEventV2 {
  const base = event('', OLD_SECRET);
  return {
    ...base,
    rawPath: path,
    routeKey: `GET ${path}`,
    headers: { host: DOMAIN },
    requestContext: { ...base.requestContext, http: { ...base.requestContext.http, method: 'GET', path } },
    body: undefined,
  } as APIGatewayProxyEventV2;
}

const context = { getRemainingTimeInMillis: () => 10_000 } as Context;

async function drainCount(): Promise<number> {
  let count = 0;
  for (;;) {
    const messages = await queue.receive({ maxMessages: 10, waitSeconds: 0 });
    if (messages.length === 0) return count;
    count += messages.length;
    await queue.delete(messages.map((m) => m.receiptHandle));
  }
}

describe('functions/ingest.ts', () => {
  it('accepts a signed Stripe event once: 202, then 200 duplicate, commands queued once', async () => {
    const first = await handler(event(TRIAL_CONVERTED, OLD_SECRET), context);
    expect(first.statusCode).toBe(202);
    const accepted = JSON.parse(first.body ?? '{}') as { accepted: number; commands: string[] };
    expect(accepted.accepted).toBeGreaterThan(0);

    const replay = await handler(event(TRIAL_CONVERTED, OLD_SECRET), context);
    expect(replay.statusCode).toBe(200);
    expect(JSON.parse(replay.body ?? '{}')).toMatchObject({ duplicate: true, commands: accepted.commands });

    expect(await drainCount()).toBe(accepted.accepted);
    const { Items = [] } = await ddb.client.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
    expect(Items.map((item) => item.status?.S)).toEqual(['COMPLETED']);
  });

  it('rejects a body signed with an unknown secret', async () => {
    const body = TRIAL_CONVERTED.replace('evt_', 'evt_forged_');
    const res = await handler(event(body, 'whsec_attacker'), context);
    expect(res.statusCode).toBe(401);
  });

  it('picks up a rotated secret from Secrets Manager once the cache expires, without a new cold start', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    sm.put(SECRET_ID, JSON.stringify({ STRIPE_WEBHOOK_SECRET: [NEW_SECRET] }));
    const body = (n: number) => TRIAL_CONVERTED.replace('evt_', `evt_rotated_${n}_`);

    // Still cached: the old secret verifies, the new one does not yet.
    expect((await handler(event(body(1), OLD_SECRET), context)).statusCode).toBe(202);
    expect((await handler(event(body(2), NEW_SECRET), context)).statusCode).toBe(401);

    vi.setSystemTime(Date.now() + 61_000);
    expect((await handler(event(body(3), NEW_SECRET), context)).statusCode).toBe(202);
    expect((await handler(event(body(4), OLD_SECRET), context)).statusCode).toBe(401);
    vi.useRealTimers();
  });

  it('answers GET /readyz 200 when the queue and the idempotency table answer', async () => {
    const res = await handler(get('/readyz'), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toEqual({
      status: 'ready',
      checks: { queue: 'ok', idempotency: 'ok' },
    });
  });

  // Last: it removes the table the other tests use.
  it('answers GET /readyz 503 naming the idempotency table once it is gone, while /healthz stays 200', async () => {
    await ddb.client.send(new DeleteTableCommand({ TableName: TABLE }));
    const res = await handler(get('/readyz'), context);
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ checks: { queue: 'ok', idempotency: 'failing' } });
    expect((await handler(get('/healthz'), context)).statusCode).toBe(200);
  });
});
