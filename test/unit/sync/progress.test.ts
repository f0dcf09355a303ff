import { describe, expect, it } from 'vitest';
import { createProgress, formatProgress } from '../../../lib/cli/progress.ts';
import { noRuns, progressLine } from '../../../lib/cli/sync-run.ts';

describe('formatProgress', () => {
  it('shows the bar, the rate and an ETA when the total is known', () => {
    expect(formatProgress({ label: 'users', done: 2500, total: 10000, detail: '3 changed' }, 1000)).toBe(
      'users       · [#####---------------] 2,500/10,000 · 2,500/s · 3 changed · ETA 0:03',
    );
  });

  it('shows a plain count without a total', () => {
    expect(formatProgress({ label: 'groups', done: 40 }, 2000)).toBe('groups      · 40 · 20/s');
  });
});

describe('createProgress', () => {
  it('prints at most one line per interval off a terminal, and the last state on finish', () => {
    let now = 0;
    const out: string[] = [];
    const stream = { isTTY: false, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream;
    const progress = createProgress({ stream, clock: () => now, intervalMs: 1000 });
    progress.update({ label: 'users', done: 1 });
    now = 500;
    progress.update({ label: 'users', done: 2 });
    now = 1500;
    progress.update({ label: 'users', done: 3 });
    now = 1600;
    progress.update({ label: 'users', done: 4 });
    progress.finish();
    expect(out.map((l) => l.split(' · ')[1])).toEqual(['1', '3', '4']);
  });
});

describe('sync progress line', () => {
  it("shows the phase's own changes and commands, not the run's so far", () => {
    const counts = { read: 9, created: 7, updated: 0, unchanged: 2, removed: 0, skipped: 0, queued: 7 };
    expect(progressLine({ kind: 'users', read: 4, total: 4, changed: 3, queued: 3, counts })).toEqual({
      label: 'users',
      done: 4,
      total: 4,
      detail: '3 changed · 3 queued',
    });
  });
});

describe('sync status with no runs', () => {
  it('names the sync asked for, and the syncs that do have runs', () => {
    expect(noRuns('nope', ['example', 'crm'])).toBe('sync nope has no runs; syncs with runs: example, crm\n');
    expect(noRuns('nope', [])).toBe('sync nope has no runs (no sync has run yet)\n');
    expect(noRuns(undefined, [])).toBe('no sync runs yet\n');
  });
});
