// One SQS record, start to finish: parse, execute through the limiter, then deliver, retry later or dead-letter.
import type { SQSRecord } from 'aws-lambda';
import type { Envelope } from '../commands/index.ts';
import type { Logger } from '../logger.ts';
import type { Queue } from '../queue/queue.ts';
import type { UserflowAction } from '../userflow/index.ts';
import type { AttemptBuffer } from './attempt-trail.ts';
import type { AuditOutcome, AuditRecord, AuditSink, CallRecord } from './audit.ts';
import { emitCommandAudit } from './audit.ts';
import { type BackoffPolicy, retryVisibilitySeconds } from './backoff.ts';
import { classifyFailure, type Failure } from './classify.ts';
import { deadLetterMessage } from './dead-letter.ts';
import { DeliveryError } from './errors.ts';
import {
  type CallRunner,
  type DeleteNotFound,
  type DeliveryClient,
  type EffectivelyOnce,
  type ExecutionResult,
  executeCommand,
} from './executor.ts';
import { BatchMetrics } from './metrics.ts';
import { parseEnvelope } from './parse-envelope.ts';
import type { AdaptiveTokenBucket, Clock } from './token-bucket.ts';
import type { UserLookupResolver } from './user-lookup.ts';

export interface RecordProcessorDeps {
  client: DeliveryClient;
  queue: Pick<Queue, 'changeVisibility'>;
  dlq: Pick<Queue, 'send'>;
  bucket: AdaptiveTokenBucket;
  lookup: UserLookupResolver;
  once: EffectivelyOnce;
  logger: Logger;
  auditSink?: AuditSink | undefined;
  clock: Clock;
  random: () => number;
  backoff: BackoffPolicy;
  deleteNotFound: DeleteNotFound;
  /**
   * Longest the consumer waits out a Retry-After pause inside an invocation; beyond it, records are not attempted
   * and come back after the pause through their visibility timeout (a Lambda should not sleep on billed time).
   */
  maxPauseWaitMs: number;
}

/** What one invocation learns as it goes: a 401 stops it; a failed record's delay is shared by its group. */
export class BatchState {
  stopped = false;
  /**
   * In Lambda: the last moment a record may start and still finish before the invocation times out (a timeout
   * fails the whole batch, delivered records included). Records that would start later come back at once.
   */
  startDeadline: number | undefined;
  /** Visibility (s) given to each group's failed record, so the rest of the group returns with it. */
  readonly groupDelaySeconds = new Map<string, number>();
  /** Failed records whose visibility was already set. */
  readonly visibilitySet = new Set<string>();
  readonly metrics = new BatchMetrics();

  /** The batch's attempt records, written to the trail when the batch ends (absent without a trail). */
  constructor(readonly attempts?: AttemptBuffer) {}
}

/** Thrown to fail a record in the batch processor once its retry has been arranged. */
export class RecordRetryError extends Error {
  constructor(readonly failure: Failure) {
    super(`retry later: ${failure.reason}`);
    this.name = 'RecordRetryError';
  }
}

export async function processRecord(
  record: SQSRecord,
  batch: BatchState,
  deps: RecordProcessorDeps,
): Promise<void> {
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  const calls: CallRecord[] = [];
  let envelope: Envelope | undefined;
  let resolvedUserId: string | undefined;
  const audit = (outcome: AuditOutcome, extra: Partial<AuditRecord> = {}) => {
    const written = emitCommandAudit(deps, {
      record,
      envelope,
      attempt,
      calls,
      outcome,
      extra,
      resolvedUserId,
    });
    batch.attempts?.add(written, envelope);
  };

  const parsed = parseEnvelope(record.body);
  if (!parsed.ok) {
    const failure = classifyFailure(parsed.error);
    return deadLetter(record, undefined, failure, attempt, batch, deps, audit);
  }
  envelope = parsed.envelope;
  const kind = envelope.command.type;

  const notNow = deferral(batch, deps);
  if (notNow) {
    audit(notNow.outcome, { reason: notNow.failure.reason });
    return retryLater(record, notNow.failure, notNow.attempt ?? attempt, batch, deps, kind);
  }

  let result: ExecutionResult;
  try {
    result = await executeCommand(envelope.command, {
      client: deps.client,
      call: callRunner(deps, calls),
      lookup: deps.lookup,
      once: deps.once,
      commandId: envelope.id,
      deleteNotFound: deps.deleteNotFound,
      onResolved: (userId) => {
        resolvedUserId = userId;
      },
    });
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.kind === 'permanent')
      return deadLetter(record, envelope, failure, attempt, batch, deps, audit);
    if (failure.kind === 'unauthorized') {
      batch.stopped = true;
      batch.metrics.count('unauthorized', kind);
      deps.logger.error('Userflow refused the API key: stopping this batch', { reason: failure.reason });
    }
    audit(failure.kind === 'unauthorized' ? 'stopped' : 'retry', failureFields(failure));
    return retryLater(record, failure, attempt, batch, deps, kind);
  }

  switch (result.outcome) {
    case 'delivered':
      batch.metrics.count('delivered', kind);
      return audit('delivered');
    case 'skipped':
      batch.metrics.count('skipped', kind);
      deps.logger.info('command skipped', { commandId: envelope.id, reason: result.reason });
      return audit('skipped', { reason: result.reason });
    case 'already_gone':
      batch.metrics.count('delivered', kind);
      return audit('already_gone', { reason: 'userflow_not_found' });
    case 'duplicate':
      batch.metrics.count('duplicate', kind);
      return audit('duplicate', { reason: 'already_delivered' });
  }
}

/**
 * Reasons not to attempt a record now: a 401 stopped the batch; in Lambda, the limiter could not let it start
 * before the invocation's time runs out; or a Retry-After pause longer than is worth sleeping through.
 */
function deferral(
  batch: BatchState,
  deps: RecordProcessorDeps,
): { failure: Failure; outcome: AuditOutcome; attempt?: number } | undefined {
  if (batch.stopped) {
    return {
      failure: classifyFailure(new DeliveryError('an earlier record got a 401', 'batch_stopped')),
      outcome: 'stopped',
    };
  }
  const limiter = deps.bucket.snapshot();
  if (batch.startDeadline !== undefined && limiter.nextGrantAt > batch.startDeadline) {
    const message = 'the invocation would time out before this record could be sent';
    // Attempt 1: nothing went wrong with the record itself, so it comes back after the shortest backoff.
    return {
      failure: { kind: 'transient', throttled: false, reason: 'out_of_time', message },
      outcome: 'retry',
      attempt: 1,
    };
  }
  const pauseLeftMs = limiter.pausedUntil - deps.clock();
  if (pauseLeftMs > deps.maxPauseWaitMs) {
    const message = `Userflow asked to wait ${Math.ceil(pauseLeftMs / 1000)} s`;
    return {
      failure: {
        kind: 'transient',
        throttled: false,
        reason: 'rate_paused',
        message,
        retryAfterMs: pauseLeftMs,
      },
      outcome: 'retry',
    };
  }
  return undefined;
}

/** Every Userflow call waits for the limiter, is timed, and tells the limiter how it went. */
function callRunner(deps: RecordProcessorDeps, calls: CallRecord[]): CallRunner {
  return async <T>(
    action: UserflowAction,
    call: () => Promise<T>,
    request?: Record<string, unknown>,
  ): Promise<T> => {
    const ticket = await deps.bucket.acquire();
    const at = deps.clock();
    try {
      const value = await call();
      deps.bucket.onSuccess(ticket);
      calls.push({ action, at, latencyMs: deps.clock() - at, status: 200, ...(request ? { request } : {}) });
      return value;
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === 'transient' && failure.throttled)
        deps.bucket.onThrottle(ticket, failure.retryAfterMs);
      calls.push({
        action,
        at,
        latencyMs: deps.clock() - at,
        ...failureFields(failure),
        ...(request ? { request } : {}),
      });
      throw error;
    }
  };
}

/**
 * Transient: the record fails and stays invisible for a backoff (never less than Retry-After), so it comes back
 * later instead of the consumer spinning on it. The rest of its group in this batch is given the same delay.
 */
async function retryLater(
  record: SQSRecord,
  failure: Failure,
  attempt: number,
  batch: BatchState,
  deps: RecordProcessorDeps,
  kind: string,
): Promise<never> {
  const retryAfterMs = failure.kind === 'transient' ? failure.retryAfterMs : undefined;
  const seconds = retryVisibilitySeconds(attempt, deps.backoff, deps.random, retryAfterMs);
  await setVisibility(record, seconds, batch, deps);
  const group = record.attributes.MessageGroupId;
  if (group !== undefined)
    batch.groupDelaySeconds.set(group, Math.max(seconds, batch.groupDelaySeconds.get(group) ?? 0));
  batch.metrics.count('retried', kind);
  if (failure.kind === 'transient' && failure.throttled) batch.metrics.count('throttled', kind);
  throw new RecordRetryError(failure);
}

export async function setVisibility(
  record: SQSRecord,
  seconds: number,
  batch: BatchState,
  deps: Pick<RecordProcessorDeps, 'queue' | 'logger'>,
): Promise<void> {
  try {
    await deps.queue.changeVisibility(record.receiptHandle, seconds);
    batch.visibilitySet.add(record.messageId);
  } catch (error) {
    // The record still fails; it returns after the queue's own visibility timeout instead.
    deps.logger.warn('could not set the visibility of a failed record', {
      messageId: record.messageId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * Permanent: the record moves to the DLQ with its reason and is reported as a success, so the main queue deletes
 * it at once instead of bouncing it until maxReceiveCount. If the DLQ refuses it, the record fails (nothing lost).
 */
async function deadLetter(
  record: SQSRecord,
  envelope: Envelope | undefined,
  failure: Failure,
  attempt: number,
  batch: BatchState,
  deps: RecordProcessorDeps,
  audit: (outcome: AuditOutcome, extra?: Partial<AuditRecord>) => void,
): Promise<void> {
  const kind = envelope?.command.type ?? 'unknown';
  try {
    await deps.dlq.send([deadLetterMessage(record, envelope, failure, new Date(deps.clock()))]);
  } catch (error) {
    const sendFailure = classifyFailure(error);
    deps.logger.error('could not dead-letter a record: it stays on the main queue', {
      messageId: record.messageId,
      reason: failure.reason,
      error: sendFailure.message,
    });
    audit('retry', { reason: `dlq_send_failed:${failure.reason}` });
    const retry: Failure = {
      kind: 'transient',
      throttled: false,
      reason: 'dlq_send_failed',
      message: sendFailure.message,
    };
    return retryLater(record, retry, attempt, batch, deps, kind);
  }
  batch.metrics.count('deadLettered', kind);
  deps.logger.warn('command dead-lettered', {
    messageId: record.messageId,
    commandId: envelope?.id,
    reason: failure.reason,
  });
  audit('dead_lettered', failureFields(failure));
}

function failureFields(failure: Failure): { reason: string; status?: number; userflowCode?: string } {
  return {
    reason: failure.reason,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.userflowCode ? { userflowCode: failure.userflowCode } : {}),
  };
}
