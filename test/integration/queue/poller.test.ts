// The local event source mapping against both adapters: deletes successes, returns failures, caps concurrency.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Poller, startPoller } from '../../../lib/local/poller.ts';
import type { Queue } from '../../../lib/queue/queue.ts';
import { openSqliteQueues } from '../../../lib/queue/sqlite/sqlite-queue.ts';
import { createSqsQueue } from '../../../lib/queue/sqs/sqs-queue.ts';
import { type SqsEmulator, startSqsEmulator } from '../../helpers/sqs-emulator.ts';
import { interleaved, message } from './queue-helpers.ts';

interface Harness {
  queue: Queue;
  arn: string;
  /**
   * False for SQS: an aborted long poll stays open on the server, which may hand it a message that becomes
   * visible (fauxqs does), so that message returns only after its visibility timeout.
   */
  abortedPollsLetGo: boolean;
  close(): Promise<void>;
}

let emulator: SqsEmulator;
let counter = 0;
const tempDirs: string[] = [];
beforeAll(async () => {
  emulator = await startSqsEmulator();
});
afterAll(async () => {
  await emulator.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const adapters: [string, () => Promise<Harness>][] = [
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'poller-'));
      tempDirs.push(dir);
      const queues = openSqliteQueues({
        path: join(dir, 'q.db'),
        mainName: 'main',
        dlqName: 'dlq',
        maxReceiveCount: 5,
        visibilityTimeoutSeconds: 30,
      });
      return {
        queue: queues.main,
        arn: 'arn:aws:sqs:local:000000000000:main.fifo',
        abortedPollsLetGo: true,
        close: async () => queues.close(),
      };
    },
  ],
  [
    'SQS (fauxqs)',
    async () => {
      const created = await emulator.createFifoQueue(`poll${++counter}`, { dlq: true, maxReceiveCount: 5 });
      const queue = createSqsQueue({ queueUrl: created.url, client: emulator.client });
      return { queue, arn: created.arn, abortedPollsLetGo: false, close: async () => queue.close() };
    },
  ],
];

/** Resolves when `condition` holds, checking after each handler call (the poller has no "idle" event). */
async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const key = (r: SQSRecord) => (JSON.parse(r.body) as { groupId: string; n: number }).n;

describe.each(adapters)('startPoller on %s', (_label, open) => {
  let h: Harness;
  let poller: Poller | undefined;
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
    await h.close();
  });

  it('hands the handler a real-shaped SQS event', async () => {
    h = await open();
    await h.queue.send([message('user-1', 1, { attributes: { source: 'stripe' } })]);
    const events: SQSEvent[] = [];
    poller = startPoller({
      queue: h.queue,
      queueArn: h.arn,
      waitSeconds: 1,
      handler: async (event) => {
        events.push(event);
        return { batchItemFailures: [] };
      },
    });
    await until(() => events.length === 1, 'one event');
    const record = events[0]?.Records[0];
    expect(record).toMatchObject({
      body: message('user-1', 1).body,
      eventSource: 'aws:sqs',
      eventSourceARN: h.arn,
      messageAttributes: { source: { stringValue: 'stripe', dataType: 'String' } },
      attributes: {
        MessageGroupId: 'user-1',
        MessageDeduplicationId: 'user-1-1',
        ApproximateReceiveCount: '1',
      },
    });
    expect(record?.md5OfBody).toBe(
      createHash('md5')
        .update(record?.body ?? '')
        .digest('hex'),
    );
    expect(record?.receiptHandle).not.toBe('');
    expect(Number(record?.attributes.SentTimestamp)).toBeGreaterThan(0);
  });

  it('deletes the records the handler succeeded on', async () => {
    h = await open();
    const sent = interleaved(['a', 'b', 'c'], 2);
    await h.queue.send(sent);
    let handled = 0;
    poller = startPoller({
      queue: h.queue,
      waitSeconds: 1,
      handler: async (event) => {
        handled += event.Records.length;
      },
    });
    await until(() => poller?.stats().succeeded === sent.length, 'all deleted');
    await poller.stop();
    expect(handled).toBe(sent.length);
    expect(await h.queue.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
  });

  it('leaves reported failures to their visibility timeout; Powertools FIFO processing keeps group order', async () => {
    h = await open();
    await h.queue.send(interleaved(['a', 'b'], 3));
    const seen: string[] = [];
    let failedOnce = false;
    const processor = new SqsFifoPartialProcessorAsync();
    poller = startPoller({
      queue: h.queue,
      waitSeconds: 1,
      visibilityTimeoutSeconds: 1,
      handler: (event) =>
        processPartialResponse(
          event,
          async (record: SQSRecord) => {
            const id = `${record.attributes.MessageGroupId}-${key(record)}`;
            seen.push(`${id}#${record.attributes.ApproximateReceiveCount}`);
            if (id === 'a-2' && !failedOnce) {
              failedOnce = true;
              throw new Error('transient');
            }
          },
          processor,
          { skipGroupOnError: true, throwOnFullBatchFailure: false },
        ) as Promise<SQSBatchResponse>,
    });
    await until(() => poller?.stats().succeeded === 6, 'all delivered');
    const ids = (group: string) => seen.filter((s) => s.startsWith(group)).map((s) => s.split('#')[0]);
    // Where a-3 arrived in the same batch as a-2 (AWS, SQLite), the processor skipped it with its group.
    expect(ids('a-')).toEqual(['a-1', 'a-2', 'a-2', 'a-3']);
    expect(seen).toContain('a-2#2');
    expect(ids('b-')).toEqual(['b-1', 'b-2', 'b-3']);
  });

  it('fails the whole batch when the handler throws, and the records come back', async () => {
    h = await open();
    await h.queue.send([message('a', 1), message('b', 1)]);
    const counts: string[] = [];
    let thrown = 0;
    const errors: string[] = [];
    poller = startPoller({
      queue: h.queue,
      waitSeconds: 1,
      visibilityTimeoutSeconds: 1,
      onError: (_error, stage) => errors.push(stage),
      handler: async (event) => {
        for (const r of event.Records)
          counts.push(`${r.attributes.MessageGroupId}#${r.attributes.ApproximateReceiveCount}`);
        if (thrown === 0) {
          thrown++;
          throw new Error('boom');
        }
      },
    });
    await until(() => poller?.stats().succeeded === 2, 'both delivered');
    const firstBatch = counts.filter((c) => c.endsWith('#1'));
    expect(firstBatch.length).toBeGreaterThan(0);
    for (const c of firstBatch) expect(counts).toContain(c.replace('#1', '#2'));
    expect(errors).toEqual(['handler']);
  });

  it('never runs more than maxConcurrency batches at once', async () => {
    h = await open();
    await h.queue.send(Array.from({ length: 8 }, (_, i) => message(`g${i}`, 1)));
    let active = 0;
    let peak = 0;
    // A worker is busy from the moment it asks the queue for a batch: a fourth one shows up as a fourth receive.
    let receiving = 0;
    let peakBusy = 0;
    const busy = () => {
      peakBusy = Math.max(peakBusy, receiving + active);
    };
    const queue: Queue = {
      send: (messages) => h.queue.send(messages),
      delete: (handles) => h.queue.delete(handles),
      changeVisibility: (handle, seconds) => h.queue.changeVisibility(handle, seconds),
      receive: async (options) => {
        receiving++;
        busy();
        try {
          return await h.queue.receive(options);
        } finally {
          receiving--;
        }
      },
    };
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    poller = startPoller({
      queue,
      batchSize: 1,
      maxConcurrency: 3,
      waitSeconds: 1,
      handler: async () => {
        active++;
        peak = Math.max(peak, active);
        busy();
        await gate;
        active--;
      },
    });
    await until(() => active >= 3, 'three batches in flight');
    // Every receive begun has answered (a fourth worker's would have brought it one of the waiting messages).
    await until(() => receiving === 0, 'no receive pending');
    expect(peak).toBe(3);
    expect(peakBusy).toBe(3);
    release();
    await until(() => poller?.stats().succeeded === 8, 'all delivered');
    expect(peak).toBe(3);
  });

  it('stop() lets an in-flight batch finish and delete before it resolves', async () => {
    h = await open();
    await h.queue.send([message('a', 1)]);
    let started = false;
    let finished = false;
    poller = startPoller({
      queue: h.queue,
      waitSeconds: 1,
      handler: async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 200));
        finished = true;
      },
    });
    await until(() => started, 'the batch started');
    await poller.stop();
    expect(finished).toBe(true);
    expect(poller.stats().succeeded).toBe(1);
    expect(await h.queue.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
  });

  it('stop() gives back a batch that outlives stopTimeoutMs', async () => {
    h = await open();
    await h.queue.send([message('a', 1)]);
    let started = false;
    poller = startPoller({
      queue: h.queue,
      waitSeconds: 1,
      visibilityTimeoutSeconds: 2,
      stopTimeoutMs: 100,
      handler: () => {
        started = true;
        return new Promise(() => {});
      },
    });
    await until(() => started, 'the batch started');
    await poller.stop();
    const [back] = await h.queue.receive({ maxMessages: 10, waitSeconds: h.abortedPollsLetGo ? 0 : 5 });
    expect(back?.dedupeId).toBe('a-1');
    expect(back?.receiveCount).toBeGreaterThanOrEqual(2);
  });

  it('stops when its signal is aborted, even in the middle of a long poll', async () => {
    h = await open();
    const controller = new AbortController();
    poller = startPoller({
      queue: h.queue,
      waitSeconds: 20,
      signal: controller.signal,
      handler: async () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    // No stop() here: only the signal may end the 20 s long poll. Ignoring it leaves the loops running past 10 s.
    const ended = await Promise.race([
      poller.finished.then(() => 'finished'),
      new Promise((resolve) => setTimeout(resolve, 10_000, 'still polling')),
    ]);
    expect(ended).toBe('finished');
    expect(poller.stats().batches).toBe(0);
  });
});
