// A hung AWS endpoint (accepts the connection, never answers) must fail each SQS, DynamoDB and Secrets Manager
// call as a retryable error within the call bounds (ingest answers 503 with Retry-After), not hold the caller.

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbPersistenceLayer } from '../../lib/idempotency/dynamodb-persistence-layer.ts';
import { createDedupe } from '../../lib/ingest/dedupe.ts';
import { IngestError } from '../../lib/ingest/errors.ts';
import { QueueError } from '../../lib/queue/errors.ts';
import { createSqsQueue } from '../../lib/queue/sqs/sqs-queue.ts';
import { secretsManagerSecretSource } from '../../lib/secrets/secrets-manager.ts';

let server: Server;
const sockets: Socket[] = [];
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };
let endpoint: string;

beforeEach(async () => {
  server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('SQS calls are bounded', () => {
  it('a send to a hung endpoint fails retryable (queue_unreachable) once the request timeout expires', async () => {
    const queue = createSqsQueue({
      queueUrl: `${endpoint}/000000000000/commands.fifo`,
      client: { endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } },
      timeouts: { requestTimeoutMs: 200, maxAttempts: 1 },
    });
    const started = performance.now();
    const error = await queue.send([{ groupId: 'g', dedupeId: 'd', body: '{}' }]).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    queue.close();
    expect(error).toBeInstanceOf(QueueError);
    expect(error).toMatchObject({ code: 'queue_unreachable', retryable: true, status: 503 });
    expect(elapsed).toBeLessThan(3_000);
  });

  it('a secrets read from a hung Secrets Manager fails 503 secrets_unavailable (default request timeout)', async () => {
    const source = secretsManagerSecretSource({
      secretId: 'webhook-secrets',
      maxAgeSeconds: 60,
      // Only the retry count is ours: the request timeout under test is the adapter's default.
      clientConfig: { endpoint, region: 'eu-west-1', credentials: CREDENTIALS, maxAttempts: 1 },
    });
    const error = await source.get('STRIPE_WEBHOOK_SECRET').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'secrets_unavailable', retryable: true, status: 503 });
  });

  it('a dedupe against a hung DynamoDB fails 503 idempotency_unavailable (default bounds)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
    });
    try {
      const dedupe = createDedupe({
        persistence: createDynamoDbPersistenceLayer({ tableName: 'ingest-idempotency' }),
        ttlSeconds: 4 * 24 * 3600,
        inProgressSeconds: 30,
      });
      const started = performance.now();
      const error = await dedupe({ source: 'stripe', eventId: 'evt_1' }, async () => ({
        commands: [],
      })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IngestError);
      expect(error).toMatchObject({ code: 'idempotency_unavailable', retryable: true, status: 503 });
      expect(performance.now() - started).toBeLessThan(9_000);
    } finally {
      process.env = saved;
    }
  });
});
