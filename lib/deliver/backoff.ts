// When a transiently failed record comes back: capped exponential backoff with full jitter, honouring Retry-After.

export interface BackoffPolicy {
  /** Delay ceiling of the first retry, in ms. */
  baseMs: number;
  /** No delay ever exceeds this, in ms (SQS caps a visibility timeout at 12 hours). */
  capMs: number;
}

/**
 * Delay before retry number `attempt` (1 = the first retry): uniform in [0, min(cap, base·2^(attempt-1))) —
 * "full jitter", so records that failed together do not come back together. A server's Retry-After is a floor:
 * the record never returns before the server said it may, even when the jittered delay is shorter.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const exponent = Math.min(Math.max(0, attempt - 1), 52);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jittered = Math.floor(random() * ceiling);
  const floor = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, policy.capMs) : 0;
  return Math.max(jittered, floor);
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
