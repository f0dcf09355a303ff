import { describe, expect, it } from 'vitest';
import { ruleDecision as decisionOf } from '../../../lib/rules/decisions.ts';
import { nextReplay, originalRequestId, replayRequestId } from '../../../lib/trail/replay.ts';
import type { IntakeRecord } from '../../../lib/trail/types.ts';

describe('replay numbering', () => {
  it('counts on from the replays the trail already holds, also when asked from a replay', async () => {
    const held = new Set(['r1/replay-1', 'r1/replay-2']);
    const store = {
      findIntake: async (id: string) => (held.has(id) ? ({ requestId: id } as IntakeRecord) : undefined),
    };
    expect(await nextReplay(store, 'r1')).toBe(3);
    expect(await nextReplay(store, 'r1/replay-2')).toBe(3);
    expect(await nextReplay(store, 'r2')).toBe(1);
    expect(originalRequestId(replayRequestId('r1', 7))).toBe('r1');
  });
});

describe('decisionOf', () => {
  it.each([
    [
      { rule: 'a', matched: true, commands: 1 },
      { name: 'a', decision: 'matched' },
    ],
    [
      { rule: 'a', matched: true, commands: 0, reason: 'skipped: no user' },
      { name: 'a', decision: 'skipped', reason: 'no user' },
    ],
    [
      { rule: 'a', matched: true, commands: 1, reason: 'skipped: no email' },
      { name: 'a', decision: 'matched', reason: 'skipped: no email' },
    ],
    [
      { rule: 'a', matched: false, commands: 0, reason: 'type is not x' },
      { name: 'a', decision: 'no_match', reason: 'type is not x' },
    ],
  ])('maps %j', (trace, decision) => {
    expect(decisionOf(trace)).toEqual(decision);
  });
});
