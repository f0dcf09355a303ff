import { describe, expect, it } from 'vitest';
import { finalState, parseSince, tellStory } from '../../../lib/trail/story.ts';
import type { AttemptRecord, IntakeRecord } from '../../../lib/trail/types.ts';

const now = new Date('2026-12-02T12:00:00.000Z');

describe('parseSince', () => {
  it.each([
    ['90s', '2026-12-02T11:58:30.000Z'],
    ['15m', '2026-12-02T11:45:00.000Z'],
    ['1h', '2026-12-02T11:00:00.000Z'],
    ['7d', '2026-11-25T12:00:00.000Z'],
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T10:30:00Z', '2026-12-01T10:30:00.000Z'],
  ])('reads %s', (text, expected) => {
    expect(parseSince(text, now)?.toISOString()).toBe(expected);
  });

  it.each(['yesterday', '1w', '-1h', '2026-13-45', ''])('refuses %j', (text) => {
    expect(parseSince(text, now)).toBeUndefined();
  });
});

const command = (id: string) => ({ id, kind: 'upsert_user', userId: 'ada' });
const intake = (commands: string[], outcome = 'accepted'): IntakeRecord => ({
  requestId: 'r1',
  source: 'stripe',
  receivedAt: '2026-12-01T10:00:00.000Z',
  status: 202,
  outcome,
  eventIds: ['evt_1'],
  headers: {},
  body: { stored: true, size: 2, text: '{}' },
  events: [{ id: 'evt_1', outcome, rules: [], commands: commands.map(command) }],
  expiresAt: 0,
});
const tried = (commandId: string, outcome: string, attempt: number): AttemptRecord => ({
  commandId,
  messageId: 'm',
  at: `2026-12-01T10:00:0${attempt}.000Z`,
  attempt,
  action: 'upsert_user',
  latencyMs: 1,
  outcome,
  expiresAt: 0,
});

describe('tellStory and finalState', () => {
  it('ends each command on its last attempt, or queued, and counts the ends', () => {
    const story = tellStory(intake(['c1', 'c2', 'c3']), [
      tried('c1', 'retry', 1),
      tried('c2', 'delivered', 1),
      tried('c1', 'dead_lettered', 2),
    ]);
    expect(story.events[0]?.commands.map((c) => [c.id, c.outcome, c.attempts.length])).toEqual([
      ['c1', 'dead_lettered', 2],
      ['c2', 'delivered', 1],
      ['c3', 'queued', 0],
    ]);
    expect(finalState(story)).toBe('1 dead_lettered, 1 delivered, 1 queued');
  });

  it('ends a request that produced no commands on its own outcome', () => {
    expect(finalState(tellStory(intake([], 'duplicate'), []))).toBe('duplicate, no commands');
  });
});
