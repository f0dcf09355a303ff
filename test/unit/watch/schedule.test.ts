// scheduleWatches: a run at start and one per interval, never two of one watch at once, stop waits for runs.
import { describe, expect, it } from 'vitest';
import { parseWatch, scheduleWatches, type Timers } from '../../../lib/watch/index.ts';

const watch = (name: string, schedule: string) =>
  parseWatch(
    `name: ${name}\ncontent: c\nstalled_after: 3d\nalert: { slack: S }\nschedule: ${schedule}\n`,
    `${name}.yaml`,
  );

function manualTimers() {
  const intervals: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const timers: Timers = {
    setInterval: (fn, ms) => {
      intervals.push({ fn, ms, cleared: false });
      return intervals.length - 1;
    },
    clearInterval: (handle) => {
      (intervals[handle as number] as { cleared: boolean }).cleared = true;
    },
  };
  return { timers, intervals };
}

describe('scheduleWatches', () => {
  it('runs each watch at once and then at its own rate, skipping a tick while a run is still going', async () => {
    const { timers, intervals } = manualTimers();
    const runs: string[] = [];
    let release: () => void = () => {};
    const schedule = scheduleWatches(
      [watch('hourly', 'rate(1 hour)'), watch('daily', 'rate(1 day)')],
      (w) => {
        runs.push(w.name);
        return w.name === 'hourly' ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
      },
      timers,
    );
    expect(runs).toEqual(['hourly', 'daily']);
    expect(intervals.map((i) => i.ms)).toEqual([3_600_000, 86_400_000]);
    intervals[0]?.fn(); // the hourly run has not finished: no second one
    expect(runs).toEqual(['hourly', 'daily']);
    release();
    await Promise.resolve();
    await Promise.resolve();
    intervals[0]?.fn();
    expect(runs).toEqual(['hourly', 'daily', 'hourly']);
    release();
    await schedule.stop();
    expect(intervals.every((i) => i.cleared)).toBe(true);
  });
});
