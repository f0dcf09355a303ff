// One invocation's batch: what it learns as it goes (a 401 stops it, a failed record's delay is shared by its
// group, the time left in Lambda), its metrics and its attempt records. One per invocation: local mode runs
// several batches of one handler at once.
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { AttemptBuffer } from './attempt-trail.ts';
import type { AuditOutcome } from './audit.ts';
import { BatchPlan } from './batch-plan.ts';
import type { Failure } from './classify.ts';
import { BatchMetrics } from './metrics.ts';
import { type ParsedEnvelope, parseEnvelope } from './parse-envelope.ts';
import type { RateSnapshot } from './token-bucket.ts';

/** A reason not to attempt a record now, with what the audit says of it. */
export interface Deferral {
  failure: Failure;
  outcome: Extract<AuditOutcome, 'retry' | 'stopped'>;
  /** Set when the record's own receive count should not grow its backoff (nothing went wrong with it). */
  attempt?: number;
}

export interface BatchOptions {
  /** The batch's attempt records, written to the trail when the batch ends (absent without a trail). */
  attempts?: AttemptBuffer | undefined;
  /**
   * In Lambda: the last moment a record may start and still finish before the invocation times out (a timeout
   * fails the whole batch, delivered records included). Records that would start later come back at once.
   */
  startDeadline?: number | undefined;
  /** Longest wait for a Retry-After pause inside the invocation; longer pauses go to visibility. */
  maxPauseWaitMs: number;
  /** The batch's records, in the order the queue gave them. */
  records: readonly SQSRecord[];
  /** Plan which records one call delivers together (false: one call per command). */
  coalesce: boolean;
}

export class DeliveryBatch {
  readonly metrics = new BatchMetrics();
  readonly attempts: AttemptBuffer | undefined;
  readonly plan: BatchPlan | undefined;
  readonly #startDeadline: number | undefined;
  readonly #maxPauseWaitMs: number;
  /** Each record's envelope, parsed once: the plan reads every record before the records run. */
  readonly #envelopes = new Map<string, ParsedEnvelope>();
  #stopped = false;
  /** Visibility (s) given to each group's failed record, so the rest of the group returns with it. */
  readonly #groupDelaySeconds = new Map<string, number>();
  /** Failed records whose visibility was already set. */
  readonly #visibilitySet = new Set<string>();

  constructor(options: BatchOptions) {
    this.attempts = options.attempts;
    this.plan = options.coalesce ? BatchPlan.of(options.records, (r) => this.envelopeOf(r)) : undefined;
    this.#startDeadline = options.startDeadline;
    this.#maxPauseWaitMs = options.maxPauseWaitMs;
  }

  envelopeOf(record: SQSRecord): ParsedEnvelope {
    let parsed = this.#envelopes.get(record.messageId);
    if (!parsed) {
      parsed = parseEnvelope(record.body);
      this.#envelopes.set(record.messageId, parsed);
    }
    return parsed;
  }

  /** A 401: every later record of this batch fails unattempted. */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Reasons not to attempt a record now: a 401 stopped the batch; in Lambda, the rate gate could not let it start
   * before the invocation's time runs out; or a Retry-After pause longer than is worth sleeping through.
   */
  deferral(gate: RateSnapshot, now: number): Deferral | undefined {
    if (this.#stopped) {
      const message = 'an earlier record got a 401';
      return {
        failure: { kind: 'transient', throttled: false, reason: 'batch_stopped', message },
        outcome: 'stopped',
      };
    }
    if (this.#startDeadline !== undefined && gate.nextGrantAt > this.#startDeadline) {
      const message = 'the invocation would time out before this record could be sent';
      // Attempt 1: nothing went wrong with the record itself, so it comes back after the shortest backoff.
      return {
        failure: { kind: 'transient', throttled: false, reason: 'out_of_time', message },
        outcome: 'retry',
        attempt: 1,
      };
    }
    const pauseLeftMs = gate.pausedUntil - now;
    if (pauseLeftMs > this.#maxPauseWaitMs) {
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

  /** Remembers the longest delay given to a failed record of `group`, for the rest of the group. */
  delayGroup(group: string | undefined, seconds: number): void {
    if (group === undefined) return;
    this.#groupDelaySeconds.set(group, Math.max(seconds, this.#groupDelaySeconds.get(group) ?? 0));
  }

  groupDelay(group: string | undefined): number | undefined {
    return group === undefined ? undefined : this.#groupDelaySeconds.get(group);
  }

  visibilitySet(messageId: string): void {
    this.#visibilitySet.add(messageId);
  }

  hasVisibility(messageId: string): boolean {
    return this.#visibilitySet.has(messageId);
  }

  /** Once every record is decided: the trail writes (the Userflow calls never waited on them), then metrics. */
  async finish(metrics: Metrics | undefined): Promise<void> {
    const lost = (await this.attempts?.flush()) ?? 0;
    if (lost > 0) this.metrics.count('trailWriteFailed', 'none', lost);
    this.metrics.publish(metrics);
  }
}
