import { describe, expect, it } from 'vitest';
import { AdaptiveTokenBucket, type Ticket } from '../../../lib/deliver/token-bucket.ts';
import { fakeTime } from './fake-time.ts';

function bucket(ceiling: number, extra: Partial<ConstructorParameters<typeof AdaptiveTokenBucket>[0]> = {}) {
  const time = fakeTime(1_000_000);
  const b = new AdaptiveTokenBucket({
    ceilingPerSecond: ceiling,
    clock: time.clock,
    sleep: time.sleep,
    ...extra,
  });
  return { time, b };
}

/** Sends `n` requests back to back, each succeeding; returns the tickets. */
async function sendOk(b: AdaptiveTokenBucket, n: number): Promise<Ticket[]> {
  const tickets: Ticket[] = [];
  for (let i = 0; i < n; i++) {
    const t = await b.acquire();
    b.onSuccess(t);
    tickets.push(t);
  }
  return tickets;
}

describe('AdaptiveTokenBucket', () => {
  it('spaces requests at the ceiling rate', async () => {
    const { time, b } = bucket(10);
    const start = time.clock();
    const tickets = await sendOk(b, 11);
    expect((tickets[10] as Ticket).grantedAt - start).toBe(1_000);
  });

  it('lets concurrent callers share the rate instead of each taking it', async () => {
    const { time, b } = bucket(10);
    const start = time.clock();
    const tickets = await Promise.all(Array.from({ length: 5 }, () => b.acquire()));
    const offsets = tickets.map((t) => t.grantedAt - start).sort((x, y) => x - y);
    expect(offsets[4]).toBeGreaterThanOrEqual(400);
  });

  it('pauses every request until Retry-After has passed', async () => {
    const { time, b } = bucket(10);
    const [ticket] = await sendOk(b, 1);
    const throttledAt = time.clock();
    b.onThrottle(ticket as Ticket, 3_000);
    const next = await b.acquire();
    expect(next.grantedAt).toBeGreaterThanOrEqual(throttledAt + 3_000);
  });

  it('without Retry-After, pauses for the default pause', async () => {
    const { time, b } = bucket(10, { defaultPauseMs: 700 });
    const [ticket] = await sendOk(b, 1);
    const throttledAt = time.clock();
    b.onThrottle(ticket as Ticket);
    expect((await b.acquire()).grantedAt).toBeGreaterThanOrEqual(throttledAt + 700);
  });

  it('halves on the first throttle, then cuts by the gentler factor', async () => {
    const { b } = bucket(10, { firstDecrease: 0.5, decrease: 0.8 });
    await sendOk(b, 20);
    const first = await b.acquire();
    b.onThrottle(first, 0);
    expect(b.ratePerSecond).toBeCloseTo(5, 5);
    const second = await b.acquire();
    b.onThrottle(second, 0);
    expect(b.ratePerSecond).toBeLessThan(5);
    expect(b.ratePerSecond).toBeCloseTo(4, 0);
  });

  it('counts one congestion event once: throttles of requests granted before the cut do not cut again', async () => {
    const { b } = bucket(10);
    await sendOk(b, 20);
    const inFlight = [await b.acquire(), await b.acquire(), await b.acquire()];
    b.onThrottle(inFlight[0] as Ticket, 0);
    const afterFirst = b.ratePerSecond;
    b.onThrottle(inFlight[1] as Ticket, 0);
    b.onThrottle(inFlight[2] as Ticket, 0);
    expect(b.ratePerSecond).toBe(afterFirst);
    expect(b.snapshot().throttles).toBe(1);
  });

  it('cuts from the rate actually sent when demand is below the allowed rate', async () => {
    const { time, b } = bucket(100);
    for (let i = 0; i < 4; i++) {
      b.onSuccess(await b.acquire());
      time.advance(250); // 4 requests a second, far under the ceiling of 100
    }
    b.onThrottle(await b.acquire(), 0);
    expect(b.ratePerSecond).toBeLessThan(5);
  });

  it('recovers gradually with successes, back to the throttled rate and never above the ceiling', async () => {
    const { time, b } = bucket(20, { recoverySeconds: 10 });
    await sendOk(b, 40);
    b.onThrottle(await b.acquire(), 0);
    const cut = b.ratePerSecond;
    const peak = b.snapshot().lastThrottleRate as number;
    const seen: number[] = [];
    const start = time.clock();
    while (time.clock() - start < 30_000) {
      b.onSuccess(await b.acquire());
      seen.push(b.ratePerSecond);
    }
    // Gradual: after one second it has not jumped back to the peak.
    const oneSecondIn = seen[Math.floor(cut)] as number;
    expect(oneSecondIn).toBeGreaterThan(cut);
    expect(oneSecondIn).toBeLessThan(peak);
    // Monotone, capped.
    for (let i = 1; i < seen.length; i++)
      expect(seen[i] as number).toBeGreaterThanOrEqual(seen[i - 1] as number);
    expect(Math.max(...seen)).toBeLessThanOrEqual(20);
    expect(b.ratePerSecond).toBe(20);
  });

  it('does not recover while idle', async () => {
    const { time, b } = bucket(20, { recoverySeconds: 10 });
    await sendOk(b, 40);
    b.onThrottle(await b.acquire(), 0);
    await sendOk(b, 1);
    const before = b.ratePerSecond;
    time.advance(60_000);
    await sendOk(b, 1);
    expect(b.ratePerSecond).toBeLessThan(before + 1);
  });

  it('never drops below the floor', async () => {
    const { b } = bucket(10, { floorPerSecond: 2 });
    for (let i = 0; i < 30; i++) b.onThrottle(await b.acquire(), 0);
    expect(b.ratePerSecond).toBe(2);
  });

  it('follows a lowered ceiling immediately and a raised one only while never throttled', async () => {
    const { b } = bucket(10);
    b.setCeiling(20);
    expect(b.ratePerSecond).toBe(20);
    b.setCeiling(4);
    expect(b.ratePerSecond).toBe(4);
    await sendOk(b, 8);
    b.onThrottle(await b.acquire(), 0);
    const cut = b.ratePerSecond;
    b.setCeiling(40);
    expect(b.ratePerSecond).toBe(cut);
  });
});
