import { describe, expect, it, vi } from 'vitest';
import { followTrail } from '../../../lib/cli/events-tail.ts';
import type { AttemptRecord, IntakeRecord } from '../../../lib/trail/types.ts';
import { attempt, intake } from '../../integration/trail/trail-contract.ts';

describe('followTrail', () => {
  it('prints each new record once, oldest first, as JSON lines, and ends when the signal aborts', async () => {
    const now = new Date('2026-12-02T12:00:00.000Z');
    const intakes: IntakeRecord[] = [intake({ requestId: 'old', receivedAt: '2026-12-02T11:59:59.000Z' })];
    const attempts: AttemptRecord[] = [];
    const store = {
      listIntakes: async () => [...intakes].reverse(),
      listAttempts: async () => [...attempts].reverse(),
    };
    const lines: string[] = [];
    const stop = new AbortController();
    const following = followTrail({
      store,
      print: (line) => lines.push(line),
      signal: stop.signal,
      intervalMs: 10,
      json: true,
      clock: () => now,
    });
    // Written late but stamped earlier than the attempt: still printed before it.
    attempts.push(attempt({ commandId: 'cmd_new', at: '2026-12-02T12:00:02.000Z' }));
    intakes.push(intake({ requestId: 'new', receivedAt: '2026-12-02T12:00:01.000Z' }));
    await vi.waitFor(() => expect(lines).toHaveLength(2));
    stop.abort();
    await following;
    expect(lines.map((line) => Object.keys(JSON.parse(line))[0])).toEqual(['intake', 'attempt']);
    expect(JSON.parse(lines[0] as string).intake.requestId).toBe('new');
    expect(lines.join('')).not.toContain('"old"');
  });
});
