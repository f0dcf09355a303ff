// The "two safeguards": a token bucket (requests per second + burst) and a cap on requests in flight.

import { TokenBucket } from './token-bucket.ts';

export interface RateLimitOptions {
  requestsPerSecond: number;
  burst?: number;
  /** Requests allowed in flight at once; unlimited when absent. */
  concurrency?: number;
  /** Send `Retry-After` (seconds) with 429s; default true. */
  retryAfter?: boolean;
}

export type Admission =
  | { ok: true; release: () => void }
  | { ok: false; reason: 'rate' | 'concurrency'; retryAfterSeconds: number };

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private inFlight = 0;

  constructor(
    private readonly options: RateLimitOptions | undefined,
    private readonly now: () => number,
  ) {}

  /** `scopeKey` picks the bucket (one per API key, or one for the environment). */
  admit(scopeKey: string): Admission {
    const limit = this.options;
    if (!limit) return { ok: true, release: noop };
    if (limit.concurrency !== undefined && this.inFlight >= limit.concurrency) {
      return { ok: false, reason: 'concurrency', retryAfterSeconds: 1 };
    }
    if (limit.requestsPerSecond > 0 && Number.isFinite(limit.requestsPerSecond)) {
      const taken = this.bucket(scopeKey).take();
      // Retry-After is whole seconds (RFC 9110), so round up and never say 0.
      if (!taken.ok)
        return {
          ok: false,
          reason: 'rate',
          retryAfterSeconds: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)),
        };
    }
    this.inFlight++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
      },
    };
  }

  private bucket(key: string): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const limit = this.options as RateLimitOptions;
      bucket = new TokenBucket({ ratePerSecond: limit.requestsPerSecond, burst: limit.burst, now: this.now });
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

function noop(): void {}
