// The local event source mappings: one poller per queue, each calling the deliver handler the Lambda exports.
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Budget, BudgetClass } from '../budget/index.ts';
import type { AuditSink, DeliveryClient } from '../deliver/index.ts';
import { createDeliverHandler } from '../deliver/index.ts';
import { BridgeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { TrailStore } from '../trail/store.ts';
import { STOPPING_REASON } from './activity.ts';
import type { DeliverTuning } from './deliver-tuning.ts';
import { openLocalBudget } from './local-budget.ts';
import type { QueuePair } from './local-queues.ts';
import { type Poller, startPoller } from './poller.ts';

export interface RateBudget {
  /** A hard ceiling on Userflow's account-wide rate (requests per second); under it the rate is discovered. */
  limitPerSecond: number;
  /** The database-sync consumer's minimum share of the budget while it has work (0 ≤ share < 1). */
  syncShare: number;
  /** Batches in flight per queue, as the event source mapping's maximum concurrency. */
  maxConcurrency: number;
}

export interface ConsumerPlan {
  name: 'webhooks' | 'sync';
  budgetClass: BudgetClass;
  /** The class's minimum share of the one budget while it has work. */
  minShare: number;
  /** The budget's ceiling, shared by every consumer. */
  ceilingPerSecond: number;
}

/**
 * Both consumers draw on one budget: live webhooks first, sync with at least its share while it has work, and
 * either takes what the other leaves.
 */
export function planConsumers(budget: RateBudget, hasSyncQueue: boolean): ConsumerPlan[] {
  const ceilingPerSecond = budget.limitPerSecond;
  const plans: ConsumerPlan[] = [{ name: 'webhooks', budgetClass: 'live', minShare: 0, ceilingPerSecond }];
  if (hasSyncQueue)
    plans.push({ name: 'sync', budgetClass: 'sync', minShare: budget.syncShare, ceilingPerSecond });
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
  /** The budget file (`.local/budget.db`) every local process shares, and the environment whose budget it is; in
   * memory when absent. */
  budgetFile?: { path: string; baseUrl: string; apiKey: string };
  /** The Lambda's tuning variables, read from the local environment. */
  tuning: Pick<
    DeliverTuning,
    'backoff' | 'lookup' | 'deleteNotFound' | 'idempotencyTtlSeconds' | 'timeoutHoldMs'
  >;
  /** How long a received batch stays hidden; a crashed run's batches come back after it. */
  visibilityTimeoutSeconds: number;
  /** How long stopping waits for in-flight batches before handing their messages back. */
  stopTimeoutMs: number;
  onError: (queue: string, stage: 'receive' | 'handler' | 'delete', error: unknown) => void;
}

export interface RunningConsumers {
  plans: ConsumerPlan[];
  /** The shared budget: its current rate and last throttled rate. */
  budget: Budget;
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
    new BridgeError(STOPPING_REASON, 'the bridge is stopping: the record returns to its queue', {
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
  const budget = openLocalBudget({
    ...(options.budgetFile ? { file: options.budgetFile } : {}),
    ceilingPerSecond: options.budget.limitPerSecond,
    minShares: { sync: options.budget.syncShare },
    onStoreError: (error) => options.onError('budget', 'receive', error),
    sleep,
  });
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
      gate: budget.gate(plan.budgetClass),
      rate: { limitPerSecond: plan.ceilingPerSecond, maxConcurrency: options.budget.maxConcurrency },
      backoff: options.tuning.backoff,
      lookup: options.tuning.lookup,
      deleteNotFound: options.tuning.deleteNotFound,
      idempotencyTtlSeconds: options.tuning.idempotencyTtlSeconds,
      timeoutHoldMs: options.tuning.timeoutHoldMs,
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
    budget,
    async stop() {
      stopping.abort();
      await Promise.all(pollers.map((poller) => poller.stop()));
      await budget.close();
    },
  };
}
