import { describe, expect, it } from 'vitest';
import { backoffDelayMs, toVisibilitySeconds } from '../../../lib/deliver/backoff.ts';

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

describe('toVisibilitySeconds', () => {
  it('rounds up to whole seconds so Retry-After is not undercut', () => {
    expect(toVisibilitySeconds(0)).toBe(0);
    expect(toVisibilitySeconds(1)).toBe(1);
    expect(toVisibilitySeconds(1_000)).toBe(1);
    expect(toVisibilitySeconds(1_001)).toBe(2);
  });

  it('stays within the SQS maximum of 12 hours', () => {
    expect(toVisibilitySeconds(100 * 3_600_000)).toBe(43_200);
  });
});
