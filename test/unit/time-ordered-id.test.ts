import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../lib/time-ordered-id.ts';

describe('timeOrderedId', () => {
  it('is a version-7 UUID', () => {
    expect(timeOrderedId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts by creation time', () => {
    const ids = [1_000, 2_000, 2_001, 1_800_000_000_000].map((ms) => timeOrderedId(ms));
    expect([...ids].sort()).toEqual(ids);
  });

  it('stays unique within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => timeOrderedId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
