// createDeliverHandler: the SQS FIFO batch handler the Lambda exports and the local poller calls — the same function.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../logger.ts';
import { RETRY_BASE_MS, RETRY_CAP_SECONDS, timeoutHoldMs, USERFLOW_TIMEOUT_MS } from '../policy.ts';
import type { Queue } from '../queue/queue.ts';
import { DEFAULT_TRAIL_RETENTION_DAYS } from '../trail/capture.ts';
import type { TrailStore } from '../trail/store.ts';
import { AttemptBuffer } from './attempt-trail.ts';
import type { AuditSink } from './audit.ts';
import { DeliveryBatch } from './batch.ts';
import { ConsumerGate, type ConsumerRate } from './consumer-gate.ts';
import type { BackoffPolicy } from './dispose.ts';
import { Dispositions } from './dispositions.ts';
import { effectivelyOnce } from './effectively-once.ts';
import type { DeleteNotFound, DeliveryClient } from './executor.ts';
import type { RateGate } from './rate-gate.ts';
import { processRecord, type RecordProcessorDeps } from './record-processor.ts';
import type { Clock, RateSnapshot, Sleep } from './token-bucket.ts';
import { type LookupStrategy, UserLookupResolver } from './user-lookup.ts';

export interface DeliverDeps {
  client: DeliveryClient;
  /** The main queue: failed records get their visibility set here. */
  queue: Pick<Queue, 'changeVisibility'>;
  dlq: Pick<Queue, 'send'>;
  /** Delivery's own instance (Powertools configures a layer on first use; do not share it with ingest). */
  idempotency: BasePersistenceLayer;
  logger: Logger;
  metrics?: Metrics;
  auditSink?: AuditSink;
  /**
   * The event trail: one attempt record per Userflow call (and per command that needed none). Optional, and never
   * decides an outcome: a failed write is logged and counted as `TrailWriteFailed`.
   */
  trail?: TrailStore;
  /** Attempt records expire this many days after the call (default 30, as TRAIL_RETENTION_DAYS). */
  trailRetentionDays?: number;
  /** Longest a batch waits for its trail writes before answering (default 2 s). */
  trailFlushTimeoutMs?: number;
  /**
   * The rate gate every Userflow call passes through, used as it is (e.g. a budget shared with other callers).
   * Without it the handler builds its own from `rate` (consumer-gate.ts).
   */
  gate?: RateGate;
  /** The consumer's own limit, when no `gate` is given: limit ÷ maxConcurrency per consumer. */
  rate?: ConsumerRate;
  /** Default: base 2 s, cap 5 min — with the stack's maxReceiveCount of 40, a 45-minute outage loses nothing (lib/policy.ts). */
  backoff?: BackoffPolicy;
  lookup?: { strategy?: LookupStrategy; ttlMs?: number };
  deleteNotFound?: DeleteNotFound;
  /**
   * How long a record whose Userflow call timed out waits before its retry, holding back its user's later
   * commands with it (default 15 s: the default 10 s client timeout again plus 5 s). See dispose.ts.
   */
  timeoutHoldMs?: number;
  /** In Lambda, records are not started later than this before the timeout (default 12 s: a client timeout + 2). */
  timeReserveMs?: number;
  /** Longest wait for a Retry-After pause inside one invocation (default 10 s); longer pauses go to visibility. */
  maxPauseWaitMs?: number;
  /**
   * Consecutive upserts of one user (or group) in one batch of one message group go as one call when that leaves
   * Userflow in the same state (default true; false: one call per command).
   */
  coalesce?: boolean;
  /** How long delivered track_event ids are remembered (seconds). */
  idempotencyTtlSeconds?: number;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
}

export type DeliverHandler = ((event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>) & {
  /** The rate gate's state, for logs, benches and tests. */
  rate(): RateSnapshot;
};

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: RETRY_BASE_MS, capMs: RETRY_CAP_SECONDS * 1000 };
/** The default Userflow client timeout again, plus the margin. */
export const DEFAULT_TIMEOUT_HOLD_MS = timeoutHoldMs(USERFLOW_TIMEOUT_MS);

export function createDeliverHandler(deps: DeliverDeps): DeliverHandler {
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  const ownGate = !deps.gate && deps.rate ? new ConsumerGate(deps.rate, clock, sleep) : undefined;
  const gate: RateGate | undefined = deps.gate ?? ownGate;
  if (!gate) throw new RangeError('give the deliver handler a rate gate or a rate');

  const lookup = new UserLookupResolver({
    strategy: deps.lookup?.strategy ?? 'query',
    ttlMs: deps.lookup?.ttlMs ?? 60_000,
    clock,
    onFilterIgnored: (attribute) =>
      deps.logger.warn('Userflow ignores the attribute filter on GET /users: scanning users instead', {
        attribute,
      }),
  });
  const once = effectivelyOnce({
    persistenceStore: deps.idempotency,
    ...(deps.idempotencyTtlSeconds === undefined ? {} : { expiresAfterSeconds: deps.idempotencyTtlSeconds }),
  });
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const trail = deps.trail;
  const attemptBuffer = () =>
    trail
      ? new AttemptBuffer({
          trail,
          retentionDays: deps.trailRetentionDays ?? DEFAULT_TRAIL_RETENTION_DAYS,
          flushTimeoutMs: deps.trailFlushTimeoutMs ?? 2_000,
          logger: deps.logger,
        })
      : undefined;
  const processorDeps: RecordProcessorDeps = {
    client: deps.client,
    gate,
    lookup,
    once: once.once,
    logger: deps.logger,
    auditSink: deps.auditSink,
    clock,
    deleteNotFound: deps.deleteNotFound ?? 'gone',
    dispositions: new Dispositions({
      queue: deps.queue,
      dlq: deps.dlq,
      logger: deps.logger,
      clock,
      policy: { backoff, random, timeoutHoldMs: deps.timeoutHoldMs ?? DEFAULT_TIMEOUT_HOLD_MS },
    }),
  };
  const maxPauseWaitMs = deps.maxPauseWaitMs ?? 10_000;
  const timeReserveMs = deps.timeReserveMs ?? USERFLOW_TIMEOUT_MS + 2_000;

  const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const leave = ownGate?.enterBatch();
    once.useContext(context);
    const batch = new DeliveryBatch({
      attempts: attemptBuffer(),
      maxPauseWaitMs,
      records: event.Records,
      coalesce: deps.coalesce !== false,
      // Leave room for one record's calls (each bounded by the client's timeout) and the batch response.
      startDeadline: context?.getRemainingTimeInMillis
        ? clock() + context.getRemainingTimeInMillis() - timeReserveMs
        : undefined,
    });
    try {
      // One processor per invocation: it keeps per-batch state, and local mode runs batches concurrently.
      const response = await processPartialResponse(
        event,
        (record: SQSRecord) => processRecord(record, batch, processorDeps),
        new SqsFifoPartialProcessorAsync(),
        { ...(context ? { context } : {}), skipGroupOnError: true, throwOnFullBatchFailure: false },
      );
      await processorDeps.dispositions.holdBackUnattempted(event, response, batch);
      return response;
    } finally {
      leave?.();
      await batch.finish(deps.metrics);
    }
  };

  return Object.assign(handler, { rate: () => gate.snapshot() });
}
