// Plays Lambda's SQS event source mapping locally: long-polls a Queue, invokes the handler, deletes successes.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { backoffDelayMs, realSleep } from '../backoff.ts';
import type { Queue, ReceivedMessage } from '../queue/queue.ts';
import { buildSqsEvent, settleBatch } from './sqs-event.ts';

const IDLE_SLEEP_MS = 100;

export interface PollerOptions {
  queue: Queue;
  // biome-ignore lint/suspicious/noConfusingVoidType: like Lambda's SQSHandler, a handler may return nothing.
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Records per invocation, 1–10 (default 10, as an event source mapping on a FIFO queue). */
  batchSize?: number;
  /** Batches in flight at once (the mapping's ScalingConfig.MaximumConcurrency; default 2). */
  maxConcurrency?: number;
  /** Long-poll wait per receive (default 20 s, as Lambda). */
  waitSeconds?: number;
  /** Override of the queue's visibility timeout for each receive. */
  visibilityTimeoutSeconds?: number;
  /** Aborting it stops the poller, as `stop()` does. */
  signal?: AbortSignal;
  /** The eventSourceARN put on each record. */
  queueArn?: string;
  /** How long `stop()` waits for in-flight batches before returning their messages to the queue (default 4 s). */
  stopTimeoutMs?: number;
  /** Called for a failed receive/delete or a thrown handler; the poller keeps going. */
  onError?: (error: unknown, stage: 'receive' | 'handler' | 'delete') => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface PollerStats {
  batches: number;
  received: number;
  succeeded: number;
  failed: number;
  inFlightBatches: number;
}

export interface Poller {
  /** Stops receiving, finishes in-flight batches (bounded by `stopTimeoutMs`) and resolves. Idempotent. */
  stop(): Promise<void>;
  stats(): PollerStats;
  /** Resolves once every receive loop has ended: after `stop()`, or once the `signal` given is aborted. */
  readonly finished: Promise<void>;
}

export function startPoller(options: PollerOptions): Poller {
  const { queue, handler } = options;
  const batchSize = Math.min(10, Math.max(1, options.batchSize ?? 10));
  const maxConcurrency = Math.max(1, options.maxConcurrency ?? 2);
  const waitSeconds = options.waitSeconds ?? 20;
  const stopTimeoutMs = options.stopTimeoutMs ?? 4_000;
  const sleep = options.sleep ?? realSleep;
  const backoff = { baseMs: 100, capMs: 5_000 };
  const random = options.random ?? Math.random;
  const onError = options.onError ?? (() => {});
  const stopping = new AbortController();
  const stats: PollerStats = { batches: 0, received: 0, succeeded: 0, failed: 0, inFlightBatches: 0 };
  const inFlight = new Set<{ messages: ReceivedMessage[]; released: boolean }>();

  async function worker(): Promise<void> {
    let errors = 0;
    while (!stopping.signal.aborted) {
      let messages: ReceivedMessage[];
      try {
        messages = await queue.receive({
          maxMessages: batchSize,
          waitSeconds,
          visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
          signal: stopping.signal,
        });
        errors = 0;
      } catch (error) {
        onError(error, 'receive');
        errors++;
        await abortableSleep(backoffDelayMs(errors, backoff, random));
        continue;
      }
      if (messages.length === 0) {
        // Short polling (waitSeconds 0) on an empty queue would otherwise spin.
        if (waitSeconds === 0) await abortableSleep(IDLE_SLEEP_MS);
        continue;
      }
      const batch = { messages, released: false };
      inFlight.add(batch);
      stats.inFlightBatches++;
      try {
        await runBatch(batch);
      } finally {
        inFlight.delete(batch);
        stats.inFlightBatches--;
      }
    }
  }

  async function runBatch(batch: { messages: ReceivedMessage[]; released: boolean }): Promise<void> {
    const event = buildSqsEvent(batch.messages, options.queueArn);
    stats.batches++;
    stats.received += batch.messages.length;
    let response: SQSBatchResponse | undefined;
    let threw = false;
    try {
      response = (await handler(event)) as SQSBatchResponse | undefined;
    } catch (error) {
      threw = true;
      onError(error, 'handler');
    }
    const outcome = settleBatch(event, response, threw);
    stats.failed += outcome.failed.length;
    // Once stop() gave the messages back, another consumer may hold them: this one must not delete them.
    if (batch.released || outcome.succeeded.length === 0) return;
    try {
      await queue.delete(outcome.succeeded);
      stats.succeeded += outcome.succeeded.length;
    } catch (error) {
      onError(error, 'delete');
    }
  }

  /**
   * The listener is removed when the sleep ends, not only on abort: failed receives sleep again and again, and a
   * listener left behind by each one piled up on the signal (MaxListenersExceededWarning) for the poller's life.
   */
  function abortableSleep(ms: number): Promise<void> {
    const signal = stopping.signal;
    if (signal.aborted) return Promise.resolve();
    let onAbort = () => {};
    const aborted = new Promise<void>((resolve) => {
      onAbort = () => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return Promise.race([sleep(ms), aborted]).finally(() => signal.removeEventListener('abort', onAbort));
  }

  const workers = Promise.all(Array.from({ length: maxConcurrency }, () => worker()));
  let stopped: Promise<void> | undefined;

  async function stop(): Promise<void> {
    stopped ??= (async () => {
      stopping.abort();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        workers.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), stopTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!timedOut) return;
      // Batches still running: hand their messages back now rather than after their visibility timeout.
      const pending = [...inFlight];
      for (const batch of pending) batch.released = true;
      await Promise.allSettled(
        pending.flatMap((batch) => batch.messages.map((m) => queue.changeVisibility(m.receiptHandle, 0))),
      );
    })();
    return stopped;
  }

  options.signal?.addEventListener('abort', () => void stop(), { once: true });
  if (options.signal?.aborted) void stop();

  const finished = workers.then(() => undefined);
  return { stop, stats: () => ({ ...stats }), finished };
}
