// The local event source mappings: one poller per queue, each calling the deliver handler the Lambda exports.
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AuditSink, DeliveryClient } from '../deliver/index.ts';
import { createDeliverHandler } from '../deliver/index.ts';
import { BridgeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { TrailStore } from '../trail/store.ts';
import { STOPPING_REASON } from './activity.ts';
import type { DeliverTuning } from './deliver-tuning.ts';
import type { QueuePair } from './local-queues.ts';
import { type Poller, startPoller } from './poller.ts';

export interface RateBudget {
  /** Userflow's account-wide limit (requests per second), shared by every consumer. */
  limitPerSecond: number;
  /** The database-sync consumer's share of it (0 ≤ share < 1); live webhooks get the rest. */
  syncShare: number;
  /** Batches in flight per queue, as the event source mapping's maximum concurrency. */
  maxConcurrency: number;
}

export interface ConsumerPlan {
  name: 'webhooks' | 'sync';
  limitPerSecond: number;
}

/** How the budget is split: sync never starves live webhooks, and a zero share turns the sync consumer off. */
export function planConsumers(budget: RateBudget, hasSyncQueue: boolean): ConsumerPlan[] {
  const syncRate = hasSyncQueue ? budget.limitPerSecond * budget.syncShare : 0;
  const plans: ConsumerPlan[] = [{ name: 'webhooks', limitPerSecond: budget.limitPerSecond - syncRate }];
  if (syncRate > 0) plans.push({ name: 'sync', limitPerSecond: syncRate });
  return plans;
}

export interface ConsumersOptions {
  client: DeliveryClient;
  queues: { webhooks: QueuePair; sync?: QueuePair };
  /** A fresh persistence layer per handler: Powertools configures one for the first caller only. */
  idempotency: () => BasePersistenceLayer;
  auditSink: AuditSink;
  /** The local trail (`.local/trail.db`): every consumer writes its attempt records there. */
  trail?: TrailStore;
  /** TRAIL_RETENTION_DAYS, as read from the local environment. */
  trailRetentionDays?: number;
  logger: Logger;
  budget: RateBudget;
  /** The Lambda's tuning variables, read from the local environment. */
  tuning: Pick<DeliverTuning, 'backoff' | 'lookup' | 'deleteNotFound' | 'idempotencyTtlSeconds'>;
  /** How long a received batch stays hidden; a crashed run's batches come back after it. */
  visibilityTimeoutSeconds: number;
  /** How long stopping waits for in-flight batches before handing their messages back. */
  stopTimeoutMs: number;
  onError: (queue: string, stage: 'receive' | 'handler' | 'delete', error: unknown) => void;
}

export interface RunningConsumers {
  plans: ConsumerPlan[];
  /** Stops receiving; in-flight batches finish or are returned to their queue. */
  stop(): Promise<void>;
}

/**
 * Once stopping has begun, a record still waiting for the rate limiter fails as retryable instead of waiting
 * (Lambda would be frozen; a local process must exit), and every record given back gets visibility 0, so the next
 * start picks it up at once rather than after its backoff.
 */
function stoppable(stopping: AbortSignal) {
  const stoppingError = () =>
    new BridgeError('the bridge is stopping: the record returns to its queue', {
      code: STOPPING_REASON,
      retryable: true,
    });
  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (stopping.aborted) return reject(stoppingError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(stoppingError());
      };
      const timer = setTimeout(() => {
        stopping.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      stopping.addEventListener('abort', onAbort, { once: true });
    });
  const returning = (queue: QueuePair['main']) => ({
    changeVisibility: (handle: string, seconds: number) =>
      queue.changeVisibility(handle, stopping.aborted ? 0 : seconds),
  });
  return { sleep, returning };
}

export function startConsumers(options: ConsumersOptions): RunningConsumers {
  const plans = planConsumers(options.budget, options.queues.sync !== undefined);
  const stopping = new AbortController();
  const { sleep, returning } = stoppable(stopping.signal);
  const pollers: Poller[] = plans.map((plan) => {
    const pair = plan.name === 'sync' ? (options.queues.sync as QueuePair) : options.queues.webhooks;
    const handler = createDeliverHandler({
      client: options.client,
      queue: returning(pair.main),
      dlq: pair.dlq,
      idempotency: options.idempotency(),
      logger: options.logger,
      auditSink: options.auditSink,
      ...(options.trail ? { trail: options.trail } : {}),
      ...(options.trailRetentionDays === undefined ? {} : { trailRetentionDays: options.trailRetentionDays }),
      rate: { limitPerSecond: plan.limitPerSecond, maxConcurrency: options.budget.maxConcurrency },
      backoff: options.tuning.backoff,
      lookup: options.tuning.lookup,
      deleteNotFound: options.tuning.deleteNotFound,
      idempotencyTtlSeconds: options.tuning.idempotencyTtlSeconds,
      sleep,
    });
    return startPoller({
      queue: pair.main,
      handler: handler as (event: SQSEvent) => Promise<SQSBatchResponse>,
      batchSize: 10,
      maxConcurrency: options.budget.maxConcurrency,
      waitSeconds: 20,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
      queueArn: pair.arn,
      stopTimeoutMs: options.stopTimeoutMs,
      onError: (error, stage) => options.onError(plan.name, stage, error),
    });
  });
  return {
    plans,
    async stop() {
      stopping.abort();
      await Promise.all(pollers.map((poller) => poller.stop()));
    },
  };
}
