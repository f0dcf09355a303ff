// A clock that moves only when someone sleeps, shared by the sandbox and the consumer: rates are then measured
// in simulated time, so a loaded machine slows a test down without changing what the limiter sees.

export interface VirtualTime {
  clock: () => number;
  /** Jumps the clock to this sleeper's wake-up time (never backwards) and resolves on the next turn. */
  sleep: (ms: number) => Promise<void>;
}

export function virtualTime(start = Date.parse('2026-01-01T00:00:00Z')): VirtualTime {
  let now = start;
  return {
    clock: () => now,
    sleep: async (ms) => {
      const wakeAt = now + Math.max(0, ms);
      await new Promise<void>((resolve) => setImmediate(resolve));
      now = Math.max(now, wakeAt);
    },
  };
}
