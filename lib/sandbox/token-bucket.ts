// A token bucket on an injected clock: the sandbox's "requests per second, with burst" safeguard.

export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size (the burst allowed after idling); defaults to one second's worth, at least 1. */
  burst?: number;
  /** Epoch ms. */
  now: () => number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

export class TokenBucket {
  private readonly rate: number;
  private readonly capacity: number;
  private tokens: number;
  private updatedAt: number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
    this.rate = options.ratePerSecond / 1000;
    this.capacity = Math.max(1, options.burst ?? options.ratePerSecond);
    this.tokens = this.capacity;
    this.updatedAt = options.now();
  }

  take(): TakeResult {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: (1 - this.tokens) / this.rate };
  }

  private refill(): void {
    const now = this.options.now();
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate);
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}
