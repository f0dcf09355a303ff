// What becomes of a record, decided from its failure alone: a pure function (given `random`), so every rule can be
// tested without a queue. `dispositions.ts` is the one place that carries the decision out.
import { type BackoffPolicy, backoffDelayMs } from '../backoff.ts';
import type { Failure } from './classify.ts';

export type { BackoffPolicy };

export interface DispositionPolicy {
  backoff: BackoffPolicy;
  /** Returns [0, 1): the backoff's jitter. */
  random: () => number;
  /**
   * After a timed-out call, how long its record (and so its whole message group) waits before the retry: long
   * enough that the request Userflow may still be working on can no longer land after the retry or after the
   * user's next command. At least the client timeout again plus a margin (TIMEOUT_HOLD_MS).
   */
  timeoutHoldMs: number;
}

export type Disposition =
  /** Done (delivered, skipped, already gone, duplicate): the queue deletes it. */
  | { kind: 'ack' }
  /** Fails now and returns after `seconds` (its visibility timeout); the rest of its group waits as long. */
  | { kind: 'retry'; seconds: number }
  /** Retrying cannot help: it goes to the DLQ with its reason and is deleted from the main queue. */
  | { kind: 'deadLetter'; reason: string }
  /** A 401: this record returns after `seconds`, and every later one of the batch comes back unattempted. */
  | { kind: 'stopBatch'; seconds: number };

/**
 * `failure` undefined means the record succeeded. `attempt` is the receive count (1 = first delivery): the
 * backoff grows with it, and a server's Retry-After is a floor.
 */
export function dispose(
  failure: Failure | undefined,
  attempt: number,
  policy: DispositionPolicy,
): Disposition {
  if (failure === undefined) return { kind: 'ack' };
  switch (failure.kind) {
    case 'permanent':
      return { kind: 'deadLetter', reason: failure.reason };
    case 'unauthorized':
      return { kind: 'stopBatch', seconds: retryVisibilitySeconds(attempt, policy.backoff, policy.random) };
    case 'transient': {
      const seconds = retryVisibilitySeconds(attempt, policy.backoff, policy.random, failure.retryAfterMs);
      // Not capped by the backoff: the hold is about the request in flight, not about how often to retry.
      const hold = failure.outcomeUnknown ? Math.ceil(policy.timeoutHoldMs / 1000) : 0;
      return { kind: 'retry', seconds: Math.min(MAX_VISIBILITY_SECONDS, Math.max(seconds, hold)) };
    }
  }
}

const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The backoff as an SQS visibility timeout, which is whole seconds (0..43 200). The jittered delay is rounded to
 * the nearest second (a sub-second base may give 0: the record is retried at once, and the exponent soon makes
 * the delay real); Retry-After is rounded up, so the record never returns before the server said it may.
 */
export function retryVisibilitySeconds(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const jittered = Math.round(backoffDelayMs(attempt, policy, random) / 1000);
  const floor =
    retryAfterMs !== undefined && retryAfterMs > 0
      ? Math.ceil(Math.min(retryAfterMs, policy.capMs) / 1000)
      : 0;
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(jittered, floor));
}
