// The token bucket and the in-flight cap on an injected clock.

import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../lib/sandbox/rate-limiter.ts';
import { TokenBucket } from '../../../lib/sandbox/token-bucket.ts';

describe('TokenBucket', () => {
  it('allows the burst at once, then one token per 1/rate seconds', () => {
    let now = 0;
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, now: () => now });
    expect([bucket.take(), bucket.take(), bucket.take()].every((r) => r.ok)).toBe(true);
    const denied = bucket.take();
    expect(denied).toEqual({ ok: false, retryAfterMs: 100 });
    now = 50;
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 50 });
    now = 100;
    expect(bucket.take().ok).toBe(true);
  });

  it('never holds more than the burst after a long idle time', () => {
    let now = 0;
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 2, now: () => now });
    now = 60_000;
    expect([bucket.take(), bucket.take(), bucket.take()].map((r) => r.ok)).toEqual([true, true, false]);
  });

  it('defaults the burst to one second of tokens', () => {
    const bucket = new TokenBucket({ ratePerSecond: 4, now: () => 0 });
    const results = Array.from({ length: 5 }, () => bucket.take().ok);
    expect(results).toEqual([true, true, true, true, false]);
  });

  it('does not mint tokens when the clock goes backwards', () => {
    let now = 1000;
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, now: () => now });
    bucket.take();
    now = 0;
    expect(bucket.take().ok).toBe(false);
    now = 1000;
    expect(bucket.take().ok).toBe(false);
    now = 2000;
    expect(bucket.take().ok).toBe(true);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, now: () => 0 })).toThrow(RangeError);
  });
});

describe('RateLimiter', () => {
  it('admits everything without options', () => {
    const limiter = new RateLimiter(undefined, () => 0);
    expect(Array.from({ length: 1000 }, () => limiter.admit('*').ok).every(Boolean)).toBe(true);
  });

  it('caps requests in flight and frees a slot on release (once)', () => {
    const limiter = new RateLimiter({ requestsPerSecond: Number.POSITIVE_INFINITY, concurrency: 2 }, () => 0);
    const a = limiter.admit('*');
    const b = limiter.admit('*');
    expect(limiter.admit('*')).toEqual({ ok: false, reason: 'concurrency', retryAfterSeconds: 1 });
    if (!a.ok || !b.ok) throw new Error('expected admission');
    a.release();
    a.release();
    expect(limiter.admit('*').ok).toBe(true);
    expect(limiter.admit('*').ok).toBe(false);
  });

  it('keeps a bucket per scope key', () => {
    const limiter = new RateLimiter({ requestsPerSecond: 1, burst: 1 }, () => 0);
    expect(limiter.admit('a').ok).toBe(true);
    expect(limiter.admit('a')).toEqual({ ok: false, reason: 'rate', retryAfterSeconds: 1 });
    expect(limiter.admit('b').ok).toBe(true);
  });
});
