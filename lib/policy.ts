// Defaults that depend on each other, in one place: the zod env defaults (lib/config/*), the lib factories and the
// CDK stack all import these, so changing one shows every other value whose reasoning rests on it.

/** How long senders retry a webhook (Stripe: 3 days). Ingest's dedupe must remember an event at least this long. */
export const SENDER_RETRY_WINDOW_SECONDS = 3 * 24 * 3600;

/**
 * How long ingest remembers a sender event id: the retry window plus a day of margin, so a sender's last retry
 * near the end of its window is still recognised. Env IDEMPOTENCY_TTL_SECONDS may not go below the window.
 */
export const INGEST_IDEMPOTENCY_TTL_SECONDS = 4 * 24 * 3600;

/** How long deliver remembers a delivered `track_event` id (env IDEMPOTENCY_TTL_SECONDS of deliver). */
export const TRACK_EVENT_IDEMPOTENCY_TTL_SECONDS = 3 * 24 * 3600;

/** Deliver's retry backoff (env RETRY_BASE_MS / RETRY_CAP_SECONDS); MAX_RECEIVE_COUNT rests on these. */
export const RETRY_BASE_MS = 2_000;
export const RETRY_CAP_SECONDS = 300;

/**
 * Receives before a queue moves a command to its DLQ (the stack's SQS queue and the local queues alike). Sized so
 * a 45-minute Userflow outage loses nothing:
 *
 * Deliver returns a transiently failed record with ChangeMessageVisibility(delay), delay = capped exponential
 * backoff with full jitter: ceiling_n = min(RETRY_CAP_SECONDS, RETRY_BASE_MS · 2^(n-1)) = min(300 s, 2 s · 2^(n-1)),
 * delay ∈ [0, ceiling_n).
 * - Without jitter the ceilings are 2+4+8+16+32+64+128+256 = 510 s for the first 8 receives, then 300 s each:
 *   (1800 − 510) / 300 = 4.3 → 13 failed receives span 30 min; the 14th lands after it.
 * - Full jitter halves the mean delay (1+2+…+128 = 255 s, then 150 s each): (1800 − 255) / 150 ≈ 10.3 → about
 *   19–20 receives in 30 min. A 100k-run simulation of the jittered schedule gives p99.99 = 29 receives for 30 min
 *   and 37 for 45 min (30 min + 15 min margin, also covering the ESM's own receives of records it could not start).
 * - A crash instead of a ChangeMessageVisibility costs one visibility timeout (6 min in the stack), i.e. fewer
 *   receives.
 * So 40 receives keep a command alive through a 45-minute outage even on unlucky jitter. Retry-After only
 * lengthens delays, and so would a larger cap. Permanent errors never count against this: deliver sends them
 * to the DLQ itself.
 */
export const MAX_RECEIVE_COUNT = 40;

/**
 * One Userflow call's timeout (env USERFLOW_TIMEOUT_MS). Deliver's Lambda timeout (60 s, cdk/config.ts) leaves
 * room for several such calls in one batch.
 */
export const USERFLOW_TIMEOUT_MS = 10_000;

/**
 * The Userflow ceiling (requests/s) when none is configured: `npm start`'s `--rate-limit`, the stack's
 * `userflowRateLimit`, and a deliver function without a budget table. Userflow does not publish its limit; the one
 * public figure is 500 requests/min for one account, about 8/s. Under the ceiling the budget discovers the rest.
 */
export const DEFAULT_USERFLOW_RATE_LIMIT = 8;

/**
 * Added to the client timeout for the default hold after a timed-out call: a request Userflow received just before
 * the client gave up gets as long again, plus this, to land. (A server slower than that can still reorder.)
 */
export const TIMEOUT_HOLD_MARGIN_MS = 5_000;

/** How long a timed-out call's user waits (env TIMEOUT_HOLD_MS), by default derived from the client's timeout. */
export const timeoutHoldMs = (clientTimeoutMs: number, configured?: number): number =>
  configured ?? clientTimeoutMs + TIMEOUT_HOLD_MARGIN_MS;
