// createDeliverHandler: the SQS FIFO batch handler the Lambda exports and the local poller calls — the same function.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../logger.ts';
import type { Queue } from '../queue/queue.ts';
import { DEFAULT_TRAIL_RETENTION_DAYS } from '../trail/capture.ts';
import type { TrailStore } from '../trail/store.ts';
import { AttemptBuffer } from './attempt-trail.ts';
import type { AuditSink } from './audit.ts';
import { type BackoffPolicy, retryVisibilitySeconds } from './backoff.ts';
import { effectivelyOnce } from './effectively-once.ts';
import type { DeleteNotFound, DeliveryClient } from './executor.ts';
import { BatchState, processRecord, type RecordProcessorDeps, setVisibility } from './record-processor.ts';
import {
  type AdaptiveRateOptions,
  AdaptiveTokenBucket,
  type Clock,
  type RateSnapshot,
  type Sleep,
} from './token-bucket.ts';
import { type LookupStrategy, UserLookupResolver } from './user-lookup.ts';

/** The limiter port a shared budget gate fills (lib/budget): the part of the bucket delivery calls. */
export type RateGate = Pick<AdaptiveTokenBucket, 'acquire' | 'onSuccess' | 'onThrottle' | 'snapshot'>;

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
  /** A shared budget's gate, used as it is instead of the per-consumer bucket built from `rate`. */
  gate?: RateGate;
  rate: {
    /** Userflow's account-wide limit as configured (requests per second). */
    limitPerSecond: number;
    /** The event source's maximum concurrency: how many consumers share the limit. */
    maxConcurrency: number;
    /** Tuning of the adaptive limiter (decrease factors, recovery time, floor). */
    tuning?: Partial<Omit<AdaptiveRateOptions, 'ceilingPerSecond' | 'clock' | 'sleep'>>;
  };
  /** Default: base 2 s, cap 5 min — with the stack's maxReceiveCount of 40, a 45-minute outage loses nothing. */
  backoff?: BackoffPolicy;
  lookup?: { strategy?: LookupStrategy; ttlMs?: number };
  deleteNotFound?: DeleteNotFound;
  /** In Lambda, records are not started later than this before the timeout (default 12 s: a client timeout + 2). */
  timeReserveMs?: number;
  /** Longest wait for a Retry-After pause inside one invocation (default 10 s); longer pauses go to visibility. */
  maxPauseWaitMs?: number;
  /** How long delivered track_event ids are remembered (seconds). */
  idempotencyTtlSeconds?: number;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
}

export type DeliverHandler = ((event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>) & {
  /** The limiter's state, for logs, benches and tests. */
  rate(): RateSnapshot;
};

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };

export function createDeliverHandler(deps: DeliverDeps): DeliverHandler {
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  const { limitPerSecond, maxConcurrency } = deps.rate;
  if (!(limitPerSecond > 0) || !(maxConcurrency >= 1)) {
    throw new RangeError('rate.limitPerSecond must be > 0 and rate.maxConcurrency ≥ 1');
  }
  const perConsumer = limitPerSecond / maxConcurrency;
  // In Lambda one environment runs one batch at a time: its bucket gets limit ÷ maxConcurrency. Locally one process
  // plays every consumer at once, so the shared bucket's ceiling grows with the concurrency actually seen.
  const gate = deps.gate;
  const bucket =
    gate ??
    new AdaptiveTokenBucket({
      ...deps.rate.tuning,
      ceilingPerSecond: perConsumer,
      clock,
      sleep,
    });
  let inFlight = 0;
  let consumers = 1;

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
    queue: deps.queue,
    dlq: deps.dlq,
    // The processor calls only the RateGate part of the bucket.
    bucket: bucket as AdaptiveTokenBucket,
    lookup,
    once: once.once,
    logger: deps.logger,
    auditSink: deps.auditSink,
    clock,
    random,
    backoff,
    deleteNotFound: deps.deleteNotFound ?? 'gone',
    maxPauseWaitMs: deps.maxPauseWaitMs ?? 10_000,
  };

  const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    inFlight += 1;
    if (!gate && inFlight > consumers && consumers < maxConcurrency) {
      consumers = Math.min(inFlight, maxConcurrency);
      (bucket as AdaptiveTokenBucket).setCeiling(perConsumer * consumers);
    }
    once.useContext(context);
    const batch = new BatchState(attemptBuffer());
    if (context?.getRemainingTimeInMillis) {
      // Leave room for one record's calls (each bounded by the client's timeout) and the batch response.
      batch.startDeadline = clock() + context.getRemainingTimeInMillis() - (deps.timeReserveMs ?? 12_000);
    }
    try {
      // One processor per invocation: it keeps per-batch state, and local mode runs batches concurrently.
      const response = await processPartialResponse(
        event,
        (record: SQSRecord) => processRecord(record, batch, processorDeps),
        new SqsFifoPartialProcessorAsync(),
        { ...(context ? { context } : {}), skipGroupOnError: true, throwOnFullBatchFailure: false },
      );
      await holdBackSkippedRecords(event, response, batch);
      return response;
    } finally {
      inFlight -= 1;
      // Once per batch, after every record is decided: the Userflow calls never wait on the trail.
      const lost = (await batch.attempts?.flush()) ?? 0;
      if (lost > 0) batch.metrics.count('trailWriteFailed', 'none', lost);
      batch.metrics.publish(deps.metrics);
    }
  };

  /**
   * Records the batch processor failed without running (the rest of a failed group) are still in flight: give
   * them their group's delay, so the group is not blocked for a whole visibility timeout and comes back in order.
   */
  async function holdBackSkippedRecords(event: SQSEvent, response: SQSBatchResponse, batch: BatchState) {
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const record of event.Records) {
      if (!failed.has(record.messageId) || batch.visibilitySet.has(record.messageId)) continue;
      const group = record.attributes.MessageGroupId;
      const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
      const seconds =
        (group === undefined ? undefined : batch.groupDelaySeconds.get(group)) ??
        retryVisibilitySeconds(attempt, backoff, random);
      await setVisibility(record, seconds, batch, processorDeps);
    }
  }

  return Object.assign(handler, { rate: () => bucket.snapshot() });
}
