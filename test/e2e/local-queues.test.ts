// The queue kinds of `start --queue`, in-process: the in-memory SQS emulator (FIFO queues made over the SQS
// protocol) and any SQS endpoint, whose dead letters fall back to the embedded DLQ when no DLQ URL is given.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_QUEUE_SETTINGS, QUEUE_NAMES } from '../../lib/local/layout.ts';
import { openLocalQueues } from '../../lib/local/local-queues.ts';
import { type RunningSqsEmulator, startSqsEmulator } from '../../lib/local/sqs-emulator.ts';
import type { Queue } from '../../lib/queue/queue.ts';
import { openSqliteQueues } from '../../lib/queue/sqlite/sqlite-queue.ts';

// As bin/userflow-bridge.js does: the SDK's Node 20 notice is not what this test is about.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const message = (n: number) => ({ groupId: `user-${n}`, dedupeId: `cmd-${n}`, body: `{"n":${n}}` });

async function roundTrip(queue: Queue, n: number): Promise<string[]> {
  await queue.send([message(n)]);
  const received = await queue.receive({ maxMessages: 10, waitSeconds: 2 });
  await queue.delete(received.map((m) => m.receiptHandle));
  return received.map((m) => m.body);
}

describe('start --queue emulator', () => {
  it('creates the webhook and sync FIFO queues, each usable through the SQS adapter', async () => {
    const queues = await openLocalQueues({ kind: 'emulator', queueDb: ':memory:', env: {} });
    try {
      expect(await roundTrip(queues.webhooks.main, 1)).toEqual(['{"n":1}']);
      expect(await roundTrip(queues.sync?.main as Queue, 2)).toEqual(['{"n":2}']);
      expect(await roundTrip(queues.webhooks.dlq, 3)).toEqual(['{"n":3}']);
      expect(queues.webhooks.arn).toMatch(/:webhooks\.fifo$/);
      expect(queues.lines[0]).toMatch(/^SQS emulator at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await queues.close();
    }
  });
});

describe('start --queue sqs', () => {
  let emulator: RunningSqsEmulator;
  let dir: string;

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    dir = mkdtempSync(join(tmpdir(), 'ufb-queues-'));
    // The SDK's default credential chain reads these; the emulator accepts any.
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
  });

  afterAll(async () => {
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('consumes the given queue and, without --dlq-url, dead-letters into the embedded DLQ', async () => {
    const created = await emulator.createFifoQueue('hooks', LOCAL_QUEUE_SETTINGS);
    const queueDb = join(dir, 'queue.db');
    const queues = await openLocalQueues({
      kind: 'sqs',
      queueDb,
      queueUrl: created.url,
      env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1' },
    });
    try {
      expect(queues.sync).toBeUndefined();
      expect(await roundTrip(queues.webhooks.main, 1)).toEqual(['{"n":1}']);
      await queues.webhooks.dlq.send([message(2)]);
    } finally {
      await queues.close();
    }
    const embedded = openSqliteQueues({
      path: queueDb,
      mainName: QUEUE_NAMES.webhooks,
      dlqName: QUEUE_NAMES.webhooksDlq,
      ...LOCAL_QUEUE_SETTINGS,
    });
    try {
      expect((await embedded.dlq.browse()).map((m) => m.body)).toEqual(['{"n":2}']);
    } finally {
      embedded.close();
    }
  });
});
