// The budget's algorithm on simulated time: a token-bucket server whose limit the budget is not told.
import { describe, expect, it } from 'vitest';
import { Budget, classPolicies, type LeaseStore, memoryLeaseStore } from '../../../lib/budget/index.ts';
import { eventClock } from '../../helpers/event-clock.ts';
import { p95, sharedSlowStore, simulatedServer, startCallers } from './simulation.ts';

function budgetOn(
  time: ReturnType<typeof eventClock>,
  extra: Partial<ConstructorParameters<typeof Budget>[0]> = {},
) {
  return new Budget({
    store: memoryLeaseStore(),
    fallbackPerSecond: 2,
    clock: time.clock,
    sleep: time.sleep,
    ...extra,
  });
}

/** Successful calls per second over the next `ms`. */
async function measure(time: ReturnType<typeof eventClock>, server: { ok: number }, ms: number) {
  const before = server.ok;
  await time.runFor(ms);
  return ((server.ok - before) * 1000) / ms;
}

describe('the budget', () => {
  it('discovers an unknown limit and settles just under it, with few 429s', async () => {
    const time = eventClock();
    const budget = budgetOn(time);
    const server = simulatedServer(time, 100);
    const live = startCallers(time, budget.gate('live'), server, { concurrency: 8 });
    await time.runFor(20_000);
    const rate = await measure(time, server, 20_000);
    live.stop();
    expect(rate / 100).toBeGreaterThanOrEqual(0.93);
    expect(rate / 100).toBeLessThanOrEqual(1.01);
    expect(server.throttled / (server.ok + server.throttled)).toBeLessThan(0.01);
    expect(budget.snapshot().lastThrottleRate).toBeGreaterThan(100);
  });

  // A token bucket refills during each Retry-After pause what it then hands out at once: the seconds after a pause
  // accept more than the limit, and a cut measured on them alone, or on a window the pause left empty, lands far
  // from it. Four processes through one store with a round trip are the Lambdas sharing the DynamoDB record.
  for (const processes of [1, 4]) {
    it(`settles near an untold limit shared by ${processes} process(es) through a slow store, with few 429s`, async () => {
      const time = eventClock();
      const server = simulatedServer(time, 100);
      const store = sharedSlowStore(time, 6);
      const budgets = Array.from({ length: processes }, () =>
        budgetOn(time, { store: store(), fallbackPerSecond: 12 }),
      );
      const callers = budgets.map((b) =>
        startCallers(time, b.gate('live'), server, { concurrency: 8, latencyMs: 8 }),
      );
      await time.runFor(30_000);
      const throttledBefore = server.throttled;
      const rate = await measure(time, server, 60_000);
      for (const caller of callers) caller.stop();
      expect(rate / 100).toBeGreaterThanOrEqual(0.95);
      expect(rate / 100).toBeLessThanOrEqual(1.02);
      expect(server.throttled - throttledBefore).toBeLessThanOrEqual(4);
    }, 30_000);
  }

  it('honours Retry-After: nothing is sent while the pause lasts', async () => {
    const time = eventClock();
    const budget = budgetOn(time, { discovery: { ceilingPerSecond: 50 } });
    const gate = budget.gate('live');
    const first = gate.acquire();
    await time.runFor(100);
    const ticket = await first;
    gate.onThrottle(ticket, 3_000);
    const asked = time.clock();
    const next = gate.acquire();
    await time.runFor(5_000);
    expect((await next).grantedAt - asked).toBeGreaterThanOrEqual(3_000);
    expect(budget.snapshot().ratePerSecond).toBeLessThan(50);
  });

  it('never exceeds USERFLOW_RATE_LIMIT, even when Userflow would take more', async () => {
    const time = eventClock();
    const budget = budgetOn(time, { discovery: { ceilingPerSecond: 40 } });
    const server = simulatedServer(time, 1_000);
    const live = startCallers(time, budget.gate('live'), server, { concurrency: 8 });
    await time.runFor(2_000);
    const rate = await measure(time, server, 10_000);
    live.stop();
    expect(rate).toBeLessThanOrEqual(40 * 1.02);
    expect(rate).toBeGreaterThanOrEqual(40 * 0.95);
    expect(server.throttled).toBe(0);
  });

  it('serves live first while sync keeps its minimum share', async () => {
    const time = eventClock();
    const budget = budgetOn(time, {
      classes: classPolicies({ sync: 0.1 }),
      discovery: { ceilingPerSecond: 100 },
    });
    const server = simulatedServer(time, 1_000);
    const live = startCallers(time, budget.gate('live'), server, { concurrency: 8 });
    const sync = startCallers(time, budget.gate('sync'), server, { concurrency: 8 });
    await time.runFor(2_000);
    const [live0, sync0] = [live.calls, sync.calls];
    live.waits.length = 0;
    await time.runFor(10_000);
    live.stop();
    sync.stop();
    const syncRate = (sync.calls - sync0) / 10;
    const liveRate = (live.calls - live0) / 10;
    expect(syncRate).toBeGreaterThanOrEqual(10 * 0.9);
    expect(syncRate).toBeLessThan(20);
    expect(liveRate + syncRate).toBeGreaterThanOrEqual(95);
    expect(p95(live.waits)).toBeLessThan(2_000);
  });

  it('answers a CLI call while live traffic saturates the budget, from the CLI class share', async () => {
    const time = eventClock();
    const budget = budgetOn(time, { discovery: { ceilingPerSecond: 8 } });
    const server = simulatedServer(time, 1_000);
    const live = startCallers(time, budget.gate('live'), server, { concurrency: 8 });
    await time.runFor(2_000);
    const cli = startCallers(time, budget.gate('cli'), server, { concurrency: 1 });
    await time.runFor(20_000);
    live.stop();
    cli.stop();
    // 5% of 8/s is a call every 2.5 s: about 8 in 20 s, and live keeps the rest.
    expect(cli.calls).toBeGreaterThanOrEqual(6);
    expect(cli.calls).toBeLessThanOrEqual(12);
    expect(Math.max(...cli.waits)).toBeLessThan(5_000);
  });

  it('fits the default shares beside a large one given: they shrink, the total stays under 1', () => {
    const policies = classPolicies({ sync: 0.9 });
    const total = Object.values(policies).reduce((sum, p) => sum + p.minShare, 0);
    expect(policies.sync.minShare).toBe(0.9);
    expect(total).toBeCloseTo(0.95, 10);
    expect(policies.cli.minShare).toBeGreaterThan(0);
    expect(policies.cli.minShare).toBeLessThan(classPolicies().cli.minShare);
    expect(() => classPolicies({ sync: 0.6, agent: 0.5 })).toThrow(RangeError);
  });

  it('is work-conserving: what live does not use goes to sync at once', async () => {
    const time = eventClock();
    const budget = budgetOn(time, { discovery: { ceilingPerSecond: 100 } });
    const server = simulatedServer(time, 1_000);
    // Live asks for about 20/s: one caller, a call every 50 ms.
    const live = startCallers(time, budget.gate('live'), server, { concurrency: 1, latencyMs: 50 });
    const sync = startCallers(time, budget.gate('sync'), server, { concurrency: 8 });
    await time.runFor(2_000);
    const [live0, sync0] = [live.calls, sync.calls];
    await time.runFor(10_000);
    live.stop();
    sync.stop();
    const liveRate = (live.calls - live0) / 10;
    const syncRate = (sync.calls - sync0) / 10;
    expect(liveRate).toBeGreaterThanOrEqual(17);
    expect(liveRate + syncRate).toBeGreaterThanOrEqual(95);
  });

  it('falls back to its slice, never unlimited, when the store is unreachable', async () => {
    const time = eventClock();
    const errors: unknown[] = [];
    const down: LeaseStore = {
      update: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    };
    const budget = budgetOn(time, { store: down, fallbackPerSecond: 5, onStoreError: (e) => errors.push(e) });
    const server = simulatedServer(time, 1_000);
    const live = startCallers(time, budget.gate('live'), server, { concurrency: 8 });
    await time.runFor(1_000);
    const rate = await measure(time, server, 10_000);
    live.stop();
    expect(rate).toBeLessThanOrEqual(5 * 1.05);
    expect(rate).toBeGreaterThan(4);
    expect(errors.length).toBeGreaterThan(0);
    expect(budget.snapshot().fallback).toBe(true);
  });
});
