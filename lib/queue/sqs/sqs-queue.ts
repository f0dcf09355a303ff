// The SQS adapter of the Queue port: the only module that calls SQS (sqs-messages.ts maps its wire shapes).

import {
  type BatchResultErrorEntry,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type SQSClientConfig,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { AWS_REQUEST_TIMEOUT_MS, type CallTimeouts, withCallTimeouts } from '../../aws-timeouts.ts';
import { backoffDelayMs, realSleep } from '../../backoff.ts';
import { chunkMessages, SQS_MAX_BATCH_BYTES, SQS_MAX_BATCH_ENTRIES } from '../batching.ts';
import { QueueError } from '../errors.ts';
import type { OutgoingMessage, Queue, QueueCounts, ReceiveOptions } from '../queue.ts';
import { isPermanentEntryFailure, toQueueError } from './sqs-errors.ts';
import { clamp, fromSqsMessage, toEntry } from './sqs-messages.ts';

export interface SqsQueueOptions {
  queueUrl: string;
  /** A client to share, or the config to build one (`endpoint` for emulators / `AWS_ENDPOINT_URL`). */
  client: SQSClient | SQSClientConfig;
  /** Attempts per batch entry that fails transiently (default 4: the first send and 3 retries). */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  maxBatchBytes?: number;
  /** Bounds of each SDK call when this adapter builds the client (defaults in `lib/aws-timeouts.ts`). */
  timeouts?: CallTimeouts;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The Queue port plus what the DLQ tools need from SQS. */
export interface SqsQueue extends Queue {
  readonly url: string;
  arn(): Promise<string>;
  counts(): Promise<QueueCounts>;
  /**
   * SQS StartMessageMoveTask with this queue (a DLQ) as the source; without `destinationArn` SQS moves each
   * message back to the queue it was dead-lettered from. Throws `queue_rejected` where the endpoint lacks it.
   */
  startMessageMoveTask(options?: {
    destinationArn?: string;
    maxPerSecond?: number;
  }): Promise<{ taskHandle: string }>;
  /** The URL of this queue's DLQ, from its RedrivePolicy; undefined when it has none. */
  deadLetterQueueUrl(): Promise<string | undefined>;
  /** Destroys the client when this adapter built it. */
  close(): void;
}

export function createSqsQueue(options: SqsQueueOptions): SqsQueue {
  const ownsClient = !(options.client instanceof SQSClient);
  const requestTimeoutMs = options.timeouts?.requestTimeoutMs ?? AWS_REQUEST_TIMEOUT_MS;
  // A client we build gets bounded calls; a shared one brings its own settings.
  const client =
    options.client instanceof SQSClient
      ? options.client
      : new SQSClient(withCallTimeouts(options.client, options.timeouts));
  const queueUrl = options.queueUrl;
  const maxAttempts = options.maxAttempts ?? 4;
  const sleep = options.sleep ?? realSleep;
  const backoff = { baseMs: options.retryBaseMs ?? 50, capMs: options.retryCapMs ?? 1_000 };
  const random = options.random ?? Math.random;
  const limits = {
    maxEntries: SQS_MAX_BATCH_ENTRIES,
    maxBytes: options.maxBatchBytes ?? SQS_MAX_BATCH_BYTES,
  };
  let cachedArn: string | undefined;

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toQueueError(operation, error);
    }
  }

  /**
   * Sends one chunk until every entry is accepted, retrying transient entry failures with backoff. Returns the
   * indexes that are still not accepted and whether any of them failed permanently. Known limit: if SQS fails
   * entry k but accepts a later entry of the same group in the same call, the retried k lands after it; SQS
   * reports such per-entry failures rarely (internal errors), and ordering across chunks is still kept.
   */
  async function sendChunk(
    messages: readonly OutgoingMessage[],
    indexes: readonly number[],
  ): Promise<{ failed: number[]; permanent: boolean }> {
    let pending = [...indexes];
    for (let attempt = 1; ; attempt++) {
      const result = await call('SendMessageBatch', () =>
        client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: pending.map((index) => toEntry(index, messages[index] as OutgoingMessage)),
          }),
        ),
      );
      const failures = result.Failed ?? [];
      if (failures.length === 0) return { failed: [], permanent: false };
      const permanent = failures.some(isPermanentEntryFailure);
      pending = failures.map((entry) => Number(entry.Id)).sort((a, b) => a - b);
      if (permanent || attempt >= maxAttempts) return { failed: pending, permanent };
      await sleep(backoffDelayMs(attempt, backoff, random));
    }
  }

  async function deleteChunk(handles: readonly string[]): Promise<void> {
    let pending = handles.map((handle, index) => ({ Id: String(index), ReceiptHandle: handle }));
    for (let attempt = 1; ; attempt++) {
      const result = await call('DeleteMessageBatch', () =>
        client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending })),
      );
      const failures: BatchResultErrorEntry[] = result.Failed ?? [];
      if (failures.length === 0) return;
      const permanent = failures.some(isPermanentEntryFailure);
      if (permanent || attempt >= maxAttempts) {
        const codes = [...new Set(failures.map((f) => f.Code ?? 'unknown'))].join(', ');
        throw new QueueError(
          permanent ? 'queue_rejected' : 'queue_unavailable',
          `SQS DeleteMessageBatch left ${failures.length} message(s) undeleted (${codes})`,
        );
      }
      const failedIds = new Set(failures.map((f) => f.Id));
      pending = pending.filter((entry) => failedIds.has(entry.Id));
      await sleep(backoffDelayMs(attempt, backoff, random));
    }
  }

  return {
    url: queueUrl,

    async send(messages) {
      // Chunks go one after another, and a chunk that is not fully accepted stops the send: a later chunk must
      // not overtake an earlier message of the same FIFO group.
      for (const chunk of chunkMessages(messages, limits)) {
        const { failed, permanent } = await sendChunk(messages, chunk);
        if (failed.length === 0) continue;
        const last = chunk.at(-1) ?? 0;
        const unsent = [...failed, ...messages.map((_, i) => i).filter((i) => i > last)];
        throw new QueueError(
          permanent ? 'queue_rejected' : 'queue_send_incomplete',
          `SQS did not accept ${unsent.length} of ${messages.length} message(s)` +
            (permanent ? ' (an entry was rejected by the queue)' : ` after ${maxAttempts} attempts`),
          { failedIndexes: unsent },
        );
      }
    },

    async receive({ maxMessages, waitSeconds, visibilityTimeoutSeconds, signal }: ReceiveOptions) {
      if (signal?.aborted) return [];
      try {
        const result = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: clamp(maxMessages, 1, 10),
            WaitTimeSeconds: clamp(waitSeconds, 0, 20),
            VisibilityTimeout: visibilityTimeoutSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          // A long poll legitimately waits up to WaitTimeSeconds: the request bound comes on top of it.
          { abortSignal: signal, requestTimeout: clamp(waitSeconds, 0, 20) * 1000 + requestTimeoutMs },
        );
        return (result.Messages ?? []).map(fromSqsMessage);
      } catch (error) {
        if (signal?.aborted) return [];
        throw toQueueError('ReceiveMessage', error);
      }
    },

    async delete(receiptHandles) {
      for (let i = 0; i < receiptHandles.length; i += SQS_MAX_BATCH_ENTRIES) {
        await deleteChunk(receiptHandles.slice(i, i + SQS_MAX_BATCH_ENTRIES));
      }
    },

    async changeVisibility(receiptHandle, seconds) {
      try {
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: clamp(seconds, 0, 43_200),
          }),
        );
      } catch (error) {
        const name = (error as { name?: string }).name ?? '';
        if (/MessageNotInflight|ReceiptHandleIsInvalid/i.test(name)) {
          throw new QueueError(
            'message_not_in_flight',
            `SQS ChangeMessageVisibility: message not in flight (${name})`,
            {
              cause: error,
            },
          );
        }
        throw toQueueError('ChangeMessageVisibility', error);
      }
    },

    async arn() {
      if (cachedArn) return cachedArn;
      const result = await call('GetQueueAttributes', () =>
        client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })),
      );
      const arn = result.Attributes?.QueueArn;
      if (!arn) throw new QueueError('queue_unavailable', 'SQS GetQueueAttributes returned no QueueArn');
      cachedArn = arn;
      return arn;
    },

    async counts() {
      const result = await call('GetQueueAttributes', () =>
        client.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        ),
      );
      return {
        visible: Number(result.Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(result.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    },

    async startMessageMoveTask({ destinationArn, maxPerSecond } = {}) {
      const sourceArn = await this.arn();
      const result = await call('StartMessageMoveTask', () =>
        client.send(
          new StartMessageMoveTaskCommand({
            SourceArn: sourceArn,
            DestinationArn: destinationArn,
            MaxNumberOfMessagesPerSecond: maxPerSecond,
          }),
        ),
      );
      return { taskHandle: result.TaskHandle ?? '' };
    },

    async deadLetterQueueUrl() {
      const result = await call('GetQueueAttributes', () =>
        client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] })),
      );
      const policy = result.Attributes?.RedrivePolicy;
      if (!policy) return undefined;
      const arn = String((JSON.parse(policy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn ?? '');
      const [, , , , account, name] = arn.split(':');
      if (!name) throw new QueueError('queue_rejected', 'the RedrivePolicy names no dead-letter queue ARN');
      const found = await call('GetQueueUrl', () =>
        client.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })),
      );
      return found.QueueUrl;
    },

    close() {
      if (ownsClient) client.destroy();
    },
  };
}
