// A simulated Userflow for budget tests: a token bucket (the sandbox's) answering each call after `latencyMs`,
// and callers that draw on a budget gate in a loop, all on an event clock.
import type { BudgetState } from '../../../lib/budget/allocation.ts';
import type { LeaseStore, RateGate } from '../../../lib/budget/index.ts';
import { TokenBucket } from '../../../lib/sandbox/token-bucket.ts';
import type { EventClock } from '../../helpers/event-clock.ts';

export interface SimulatedServer {
  call(): { ok: true } | { ok: false; retryAfterMs: number };
  ok: number;
  throttled: number;
}

export function simulatedServer(time: EventClock, limitPerSecond: number): SimulatedServer {
  const bucket = new TokenBucket({ ratePerSecond: limitPerSecond, now: time.clock });
  const server: SimulatedServer = {
    ok: 0,
    throttled: 0,
    call() {
      const taken = bucket.take();
      if (taken.ok) {
        server.ok += 1;
        return { ok: true };
      }
      server.throttled += 1;
      // As the sandbox: Retry-After in whole seconds, never 0.
      return { ok: false, retryAfterMs: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)) * 1000 };
    },
  };
  return server;
}

export interface Caller {
  calls: number;
  waits: number[];
  stop(): void;
}

/** `concurrency` loops calling through `gate` while `hasWork()`; each call takes `latencyMs`. */
export function startCallers(
  time: EventClock,
  gate: RateGate,
  server: SimulatedServer,
  options: { concurrency: number; latencyMs?: number; hasWork?: () => boolean },
): Caller {
  let stopped = false;
  const caller: Caller = { calls: 0, waits: [], stop: () => (stopped = true) };
  const loop = async () => {
    while (!stopped) {
      if (options.hasWork && !options.hasWork()) {
        await time.sleep(10);
        continue;
      }
      const asked = time.clock();
      const ticket = await gate.acquire();
      caller.waits.push(time.clock() - asked);
      await time.sleep(options.latencyMs ?? 5);
      const answer = server.call();
      caller.calls += 1;
      if (answer.ok) gate.onSuccess(ticket);
      else gate.onThrottle(ticket, answer.retryAfterMs);
    }
  };
  for (let i = 0; i < options.concurrency; i++) void loop();
  return caller;
}

export function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
}

/**
 * One budget record shared by several processes through a store with a round trip: a read, then a conditional
 * write on the version read, as the DynamoDB store does (a concurrent writer makes the step run again).
 */
export function sharedSlowStore(time: EventClock, roundTripMs: number): () => LeaseStore {
  let current: BudgetState | undefined;
  let version = 0;
  return () => ({
    async update(step) {
      for (;;) {
        await time.sleep(roundTripMs / 2);
        const read = version;
        const { state, result } = step(current === undefined ? undefined : structuredClone(current));
        await time.sleep(roundTripMs / 2);
        if (version !== read) continue;
        version += 1;
        current = state;
        return result;
      }
    },
  });
}
