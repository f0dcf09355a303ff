// One record's delivery attempt as it happens: its envelope once parsed, the user it is about once resolved, the
// Userflow calls it made, and the one classification of whatever failed. It writes the record's audit.
import type { SQSRecord } from 'aws-lambda';
import type { Envelope } from '../commands/index.ts';
import type { Logger } from '../logger.ts';
import type { UserflowAction } from '../userflow/index.ts';
import {
  type AuditOutcome,
  type AuditRecord,
  type AuditSink,
  type CallRecord,
  emitCommandAudit,
} from './audit.ts';
import type { DeliveryBatch } from './batch.ts';
import { classifyFailure, type Failure } from './classify.ts';
import type { CallRunner } from './executor.ts';
import type { RateGate } from './rate-gate.ts';
import type { Clock } from './token-bucket.ts';

export interface RecordRunDeps {
  gate: RateGate;
  logger: Logger;
  auditSink?: AuditSink | undefined;
  clock: Clock;
}

export class RecordRun {
  /** How many times the queue has handed out this message, this time included. */
  readonly attempt: number;
  envelope: Envelope | undefined;
  /** The user a `user_lookup` resolved to, once known, so the audit and the trail can name the user. */
  userId: string | undefined;
  readonly #calls: CallRecord[] = [];
  readonly #failures = new WeakMap<object, Failure>();

  constructor(
    readonly record: SQSRecord,
    readonly batch: DeliveryBatch,
    private readonly deps: RecordRunDeps,
  ) {
    this.attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  }

  /** The command kind, for metrics (`unknown` before the envelope parsed). */
  get kind(): string {
    return this.envelope?.command.type ?? 'unknown';
  }

  /** What an error means for delivery, decided once per error however many steps see it. */
  failureOf(error: unknown): Failure {
    if (typeof error !== 'object' || error === null) return classifyFailure(error);
    const known = this.#failures.get(error);
    if (known) return known;
    const failure = classifyFailure(error);
    this.#failures.set(error, failure);
    return failure;
  }

  /** Every Userflow call waits for the rate gate, is timed, and tells the gate how it went. */
  readonly call: CallRunner = async <T>(
    action: UserflowAction,
    call: () => Promise<T>,
    request?: Record<string, unknown>,
  ): Promise<T> => {
    const { gate, clock } = this.deps;
    const ticket = await gate.acquire();
    const at = clock();
    try {
      const value = await call();
      gate.onSuccess(ticket);
      this.#calls.push({ action, at, latencyMs: clock() - at, status: 200, ...(request ? { request } : {}) });
      return value;
    } catch (error) {
      const failure = this.failureOf(error);
      if (failure.kind === 'transient' && failure.throttled) gate.onThrottle(ticket, failure.retryAfterMs);
      this.#calls.push({
        action,
        at,
        latencyMs: clock() - at,
        ...failureFields(failure),
        ...(request ? { request } : {}),
      });
      throw error;
    }
  };

  /** One audit record per call made (one `none` record without a call), added to the batch's trail records. */
  audit(outcome: AuditOutcome, extra: Partial<AuditRecord> = {}): void {
    const written = emitCommandAudit(this.deps, {
      record: this.record,
      envelope: this.envelope,
      attempt: this.attempt,
      calls: this.#calls,
      outcome,
      extra,
      resolvedUserId: this.userId,
    });
    this.batch.attempts?.add(written, this.envelope);
  }
}

export function failureFields(failure: Failure): { reason: string; status?: number; userflowCode?: string } {
  return {
    reason: failure.reason,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.userflowCode ? { userflowCode: failure.userflowCode } : {}),
  };
}
