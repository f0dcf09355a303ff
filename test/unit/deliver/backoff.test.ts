import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../lib/backoff.ts';
import { retryVisibilitySeconds } from '../../../lib/deliver/dispose.ts';

const policy = { baseMs: 1_000, capMs: 60_000 };
const almostOne = () => 0.999_999;

describe('backoffDelayMs', () => {
  it('doubles the jitter ceiling with each attempt', () => {
    expect(backoffDelayMs(1, policy, almostOne)).toBe(999);
    expect(backoffDelayMs(2, policy, almostOne)).toBe(1_999);
    expect(backoffDelayMs(4, policy, almostOne)).toBe(7_999);
  });

  it('never exceeds the cap, even for huge attempt numbers', () => {
    expect(backoffDelayMs(7, policy, almostOne)).toBe(59_999);
    expect(backoffDelayMs(10_000, policy, almostOne)).toBe(59_999);
  });

  it('spreads delays over the whole range (full jitter)', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(2_000);
  });

  it('never returns before Retry-After, whatever the jitter drew', () => {
    expect(backoffDelayMs(1, policy, () => 0, 5_000)).toBe(5_000);
    expect(backoffDelayMs(8, policy, almostOne, 5_000)).toBe(59_999);
  });

  it('caps a Retry-After longer than the cap', () => {
    expect(backoffDelayMs(1, policy, () => 0, 3_600_000)).toBe(60_000);
  });
});

describe('retryVisibilitySeconds', () => {
  it('rounds the jittered delay to the nearest second', () => {
    // attempt 3 → ceiling 4 s; 0.3 → 1.2 s → 1; 0.4 → 1.6 s → 2.
    expect(retryVisibilitySeconds(3, policy, () => 0.3)).toBe(1);
    expect(retryVisibilitySeconds(3, policy, () => 0.4)).toBe(2);
  });

  it('may retry at once when a sub-second base draws a short delay', () => {
    expect(retryVisibilitySeconds(1, { baseMs: 100, capMs: 1_000 }, almostOne)).toBe(0);
  });

  it('rounds Retry-After up, so the record never returns early', () => {
    expect(retryVisibilitySeconds(1, policy, () => 0, 1)).toBe(1);
    expect(retryVisibilitySeconds(1, policy, () => 0, 2_001)).toBe(3);
  });

  it('stays within the SQS maximum of 12 hours', () => {
    expect(retryVisibilitySeconds(60, { baseMs: 1_000, capMs: 100 * 3_600_000 }, almostOne)).toBe(43_200);
  });
});
