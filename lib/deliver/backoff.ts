// When a transiently failed record comes back: the shared backoff (lib/backoff.ts) as an SQS visibility timeout.
import { type BackoffPolicy, backoffDelayMs } from '../backoff.ts';

export type { BackoffPolicy };

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
