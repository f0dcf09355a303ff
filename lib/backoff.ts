// Capped exponential backoff with full jitter: one pure function for every retry loop in the bridge (delivery's
// visibility timeouts, SQS and DynamoDB batch resends, the poller, webhook alerts), plus the one real sleep.

export interface BackoffPolicy {
  /** Delay ceiling of the first retry, in ms. */
  baseMs: number;
  /** No delay ever exceeds this, in ms. */
  capMs: number;
}

/**
 * Delay before retry number `attempt` (1 = the first retry): uniform in [0, min(cap, base·2^(attempt-1))) —
 * "full jitter", so callers that failed together do not come back together. A server's Retry-After is a floor
 * (itself capped): the caller never returns before the server said it may, even when the jittered delay is shorter.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  // 2^52 is still exact; beyond it the ceiling is the cap anyway.
  const exponent = Math.min(Math.max(0, attempt - 1), 52);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jittered = Math.floor(random() * ceiling);
  const floor = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, policy.capMs) : 0;
  return Math.max(jittered, floor);
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
