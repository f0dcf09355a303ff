// Runs watches on their `schedule`: once at start, then every interval, never two runs of one watch at once.
import type { Watch } from './watch.ts';

export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface WatchSchedule {
  /** Stops the timers and waits for runs in progress. */
  stop(): Promise<void>;
}

export function scheduleWatches(
  watches: readonly Watch[],
  run: (watch: Watch) => Promise<void>,
  timers: Timers = {
    setInterval: (fn, ms) => setInterval(fn, ms).unref(),
    clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
  },
): WatchSchedule {
  const running = new Map<string, Promise<void>>();
  const tick = (watch: Watch) => {
    // A run still going when the next is due (a slow API, a long Retry-After) is left to finish; no pile-up.
    if (running.has(watch.name)) return;
    const done = run(watch).finally(() => running.delete(watch.name));
    running.set(watch.name, done);
  };
  const handles = watches.map((watch) => {
    tick(watch);
    return timers.setInterval(() => tick(watch), watch.scheduleMs);
  });
  return {
    async stop() {
      for (const handle of handles) timers.clearInterval(handle);
      await Promise.allSettled([...running.values()]);
    },
  };
}
