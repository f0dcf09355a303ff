// A discrete-event clock: sleepers wake in the order of their wake-up times, and time jumps from one to the next
// only once every runnable task has settled. For simulations with many concurrent callers, where
// virtual-time.ts (each sleeper moves the clock itself) would wake them out of order.

export interface EventClock {
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Runs the simulation until `ms` of simulated time have passed (or nothing sleeps any more). */
  runFor: (ms: number) => Promise<void>;
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

export function eventClock(start = Date.parse('2026-01-01T00:00:00Z')): EventClock {
  let now = start;
  let seq = 0;
  const timers: Timer[] = [];
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return {
    clock: () => now,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        timers.push({ at: now + Math.max(0, ms), seq: seq++, resolve });
      }),
    async runFor(ms) {
      const end = now + ms;
      await settle();
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers[0];
        if (!next || next.at > end) break;
        timers.shift();
        now = Math.max(now, next.at);
        next.resolve();
        await settle();
      }
      now = Math.max(now, end);
    },
  };
}
