// The SQS adapter over the real SQS protocol (fauxqs): the shared contract plus batching, retries and errors.
import { RequestThrottled, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueError } from '../../../lib/queue/errors.ts';
import { createSqsQueue } from '../../../lib/queue/sqs/sqs-queue.ts';
import { type SqsEmulator, startSqsEmulator } from '../../helpers/sqs-emulator.ts';
import { describeQueueContract } from './queue-contract.ts';
import { drain, interleaved, message } from './queue-helpers.ts';

let emulator: SqsEmulator;
let counter = 0;
beforeAll(async () => {
  emulator = await startSqsEmulator();
});
afterAll(async () => {
  await emulator.close();
});

async function freshQueue(options: { maxReceiveCount?: number } = {}) {
  return emulator.createFifoQueue(`q${++counter}`, {
    dlq: true,
    maxReceiveCount: options.maxReceiveCount ?? 2,
    visibilityTimeout: 30,
  });
}

describeQueueContract('SQS (fauxqs)', async () => {
  const created = await freshQueue();
  const main = createSqsQueue({ queueUrl: created.url, client: emulator.clientConfig });
  const dlq = createSqsQueue({ queueUrl: created.dlq?.url ?? '', client: emulator.clientConfig });
  return {
    main,
    dlq,
    maxReceiveCount: 2,
    async close() {
      main.close();
      dlq.close();
    },
  };
});

type BatchInput = SendMessageBatchCommandInput;
type Entry = NonNullable<BatchInput['Entries']>[number];

/** A client whose SendMessageBatch calls are recorded, and whose chosen entries fail (real SQS for the rest). */
function instrumentedClient(
  failEntry?: (entry: Entry, call: number) => { SenderFault: boolean; Code: string } | null,
) {
  const client = new SQSClient(emulator.clientConfig);
  const calls: Entry[][] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendMessageBatchCommand') return next(args);
      const input = args.input as BatchInput;
      const entries = input.Entries ?? [];
      calls.push(entries);
      const failed: { Id: string; SenderFault: boolean; Code: string }[] = [];
      const kept = entries.filter((entry) => {
        const failure = failEntry?.(entry, calls.length);
        if (failure) failed.push({ Id: entry.Id ?? '', ...failure });
        return !failure;
      });
      const result =
        kept.length > 0 ? await next({ ...args, input: { ...input, Entries: kept } }) : undefined;
      const output = (result?.output ?? { Successful: [], $metadata: {} }) as { Failed?: unknown[] };
      output.Failed = [...(output.Failed ?? []), ...failed];
      return { response: result?.response, output } as Awaited<ReturnType<typeof next>>;
    },
    { step: 'initialize', name: 'testEntryFailures' },
  );
  return { client, calls };
}

const noSleep = async () => {};

describe('SQS adapter: batching', () => {
  it('sends 25 messages as batches of at most 10 entries, in order', async () => {
    const created = await freshQueue();
    const { client, calls } = instrumentedClient();
    const queue = createSqsQueue({ queueUrl: created.url, client });
    const sent = interleaved(['a', 'b', 'c', 'd', 'e'], 5);
    await queue.send(sent);
    expect(calls.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(calls.flat().map((e) => e.MessageDeduplicationId)).toEqual(sent.map((m) => m.dedupeId));
    expect(calls.flat().map((e) => e.MessageGroupId)).toEqual(sent.map((m) => m.groupId));
    client.destroy();
  });

  it('keeps every batch within 256 KiB', async () => {
    const created = await freshQueue();
    const { client, calls } = instrumentedClient();
    const queue = createSqsQueue({ queueUrl: created.url, client });
    await queue.send([1, 2, 3, 4, 5].map((n) => message('big', n, { body: 'x'.repeat(100 * 1024) })));
    const sizes = calls.map((c) => c.reduce((sum, e) => sum + Buffer.byteLength(e.MessageBody ?? ''), 0));
    expect(calls.flat()).toHaveLength(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(256 * 1024);
    expect(calls.length).toBe(3);
    client.destroy();
  });
});

describe('SQS adapter: failed entries', () => {
  it('retries an entry that failed transiently, and it arrives once', async () => {
    const created = await freshQueue();
    const { client, calls } = instrumentedClient((entry, call) =>
      call === 1 && entry.MessageDeduplicationId === 'a-2'
        ? { SenderFault: false, Code: 'InternalError' }
        : null,
    );
    const delays: number[] = [];
    const queue = createSqsQueue({
      queueUrl: created.url,
      client,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.5,
    });
    await queue.send([message('a', 1), message('a', 2), message('b', 1)]);
    expect(calls.map((c) => c.map((e) => e.MessageDeduplicationId))).toEqual([
      ['a-1', 'a-2', 'b-1'],
      ['a-2'],
    ]);
    expect(delays).toHaveLength(1);
    const got = await drain(createSqsQueue({ queueUrl: created.url, client: emulator.client }), 4);
    expect(got.map((m) => m.dedupeId).sort()).toEqual(['a-1', 'a-2', 'b-1']);
    client.destroy();
  });

  it('gives up after maxAttempts with a retryable 503 QueueError naming the unsent messages', async () => {
    const created = await freshQueue();
    const { client, calls } = instrumentedClient((entry) =>
      entry.MessageDeduplicationId === 'b-1' ? { SenderFault: false, Code: 'ServiceUnavailable' } : null,
    );
    const queue = createSqsQueue({ queueUrl: created.url, client, maxAttempts: 3, sleep: noSleep });
    const error = await queue.send([message('a', 1), message('b', 1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueError);
    expect(error).toMatchObject({
      code: 'queue_send_incomplete',
      retryable: true,
      status: 503,
      failedIndexes: [1],
    });
    expect(calls).toHaveLength(3);
    client.destroy();
  });

  it('does not send later batches once a batch could not be fully queued', async () => {
    const created = await freshQueue();
    const { client, calls } = instrumentedClient((entry) =>
      entry.MessageDeduplicationId === 'a-1' ? { SenderFault: false, Code: 'InternalError' } : null,
    );
    const queue = createSqsQueue({ queueUrl: created.url, client, maxAttempts: 2, sleep: noSleep });
    const sent = interleaved(['a', 'b'], 6);
    const error = (await queue.send(sent).catch((e: unknown) => e)) as QueueError;
    expect(calls.flat().some((e) => e.MessageDeduplicationId === sent[10]?.dedupeId)).toBe(false);
    expect(error.failedIndexes).toEqual([0, 10, 11]);
    client.destroy();
  });

  it('a retry of the same batch after a failure does not duplicate what was queued', async () => {
    const created = await freshQueue();
    let failing = true;
    const { client } = instrumentedClient((entry) =>
      failing && entry.MessageDeduplicationId === 'b-1'
        ? { SenderFault: false, Code: 'InternalError' }
        : null,
    );
    const queue = createSqsQueue({ queueUrl: created.url, client, maxAttempts: 1, sleep: noSleep });
    const sent = [message('a', 1), message('b', 1)];
    await expect(queue.send(sent)).rejects.toBeInstanceOf(QueueError);
    failing = false;
    await queue.send(sent);
    const got = await drain(createSqsQueue({ queueUrl: created.url, client: emulator.client }), 3);
    expect(got.map((m) => m.dedupeId).sort()).toEqual(['a-1', 'b-1']);
    client.destroy();
  });

  it('does not retry a SenderFault entry and reports it as permanent', async () => {
    const created = await freshQueue();
    const { client, calls } = instrumentedClient((entry) =>
      entry.MessageDeduplicationId === 'a-1' ? { SenderFault: true, Code: 'InvalidMessageContents' } : null,
    );
    const queue = createSqsQueue({ queueUrl: created.url, client, sleep: noSleep });
    const error = await queue.send([message('a', 1)]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'queue_rejected', retryable: false });
    expect(calls).toHaveLength(1);
    client.destroy();
  });

  it('retries a SenderFault entry whose code is throttling', async () => {
    const created = await freshQueue();
    const { client, calls } = instrumentedClient((entry, call) =>
      call === 1 && entry.MessageDeduplicationId === 'a-1'
        ? { SenderFault: true, Code: 'RequestThrottled' }
        : null,
    );
    const queue = createSqsQueue({ queueUrl: created.url, client, sleep: noSleep });
    await queue.send([message('a', 1)]);
    expect(calls).toHaveLength(2);
    client.destroy();
  });
});

describe('SQS adapter: whole-call failures', () => {
  it('an unreachable endpoint is a retryable 503 queue_unreachable', async () => {
    const stopped = await startSqsEmulator();
    const created = await stopped.createFifoQueue('gone');
    await stopped.close();
    const queue = createSqsQueue({
      queueUrl: created.url,
      client: { ...stopped.clientConfig, maxAttempts: 1 },
    });
    const error = await queue.send([message('a', 1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueError);
    expect(error).toMatchObject({ code: 'queue_unreachable', retryable: true, status: 503 });
    queue.close();
  });

  it('throttling is a retryable queue_throttled', async () => {
    const created = await freshQueue();
    const client = new SQSClient(emulator.clientConfig);
    client.middlewareStack.add(
      () => async () => {
        throw new RequestThrottled({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
      },
      { step: 'initialize', name: 'testThrottle' },
    );
    const queue = createSqsQueue({ queueUrl: created.url, client });
    const error = await queue.send([message('a', 1)]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'queue_throttled', retryable: true, status: 503 });
    client.destroy();
  });

  it('a queue that does not exist is a permanent queue_rejected', async () => {
    const created = await freshQueue();
    const queue = createSqsQueue({ queueUrl: `${created.url}-missing.fifo`, client: emulator.client });
    const error = await queue.send([message('a', 1)]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'queue_rejected', retryable: false });
  });

  it('reports counts and the queue ARN', async () => {
    const created = await freshQueue();
    const queue = createSqsQueue({ queueUrl: created.url, client: emulator.client });
    await queue.send([message('a', 1), message('b', 1)]);
    await queue.receive({ maxMessages: 1, waitSeconds: 0 });
    expect(await queue.counts()).toEqual({ visible: 1, inFlight: 1 });
    expect(await queue.arn()).toBe(created.arn);
  });
});
