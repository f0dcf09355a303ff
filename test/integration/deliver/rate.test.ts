// Rate: the sandbox enforces R requests/s, the consumer is told far more; it must settle near R, not storm.
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandInput } from '../../../lib/commands/index.ts';
import { virtualTime } from '../../helpers/virtual-time.ts';
import { type Rig, startRig } from './harness.ts';

describe('delivery against an unpublished rate limit', () => {
  let rig: Rig | undefined;
  afterAll(async () => {
    await rig?.close();
  });

  it('converges under the limit without a 429 storm, losing nothing', async () => {
    const R = 40;
    // Both ends read one clock that advances only while the consumer waits for its bucket, so the rate the
    // sandbox sees is the rate the consumer chose, not what a busy machine let it send.
    const time = virtualTime();
    rig = await startRig({
      sandbox: { rateLimit: { requestsPerSecond: R }, clock: time.clock },
      deliver: { rate: { limitPerSecond: R * 10, maxConcurrency: 4 }, clock: time.clock, sleep: time.sleep },
    });
    const commands: CommandInput[] = Array.from({ length: 240 }, (_, i) => ({
      type: 'upsert_user',
      user_id: `user-${i % 60}`,
      attributes: { [`n_${i}`]: i },
    }));
    await rig.send(commands);
    await rig.drain(60_000);

    const stats = rig.sandbox.stats();
    const limiter = rig.handler.rate();
    // It did meet the limit (so the test says something) ...
    expect(stats.rateLimited).toBeGreaterThan(0);
    // ... but only a handful of times, not once per request over the limit: no storm.
    expect(stats.rateLimited / stats.requests).toBeLessThan(0.05);
    expect(limiter.throttles).toBeLessThanOrEqual(5);
    // The limiter came down from the 400/s it was told to near the real limit.
    expect(limiter.lastThrottleRate).toBeDefined();
    expect(limiter.ratePerSecond).toBeLessThan(R * 2);
    // Nothing lost: every upsert's attribute is there.
    for (let i = 0; i < commands.length; i++) {
      expect(rig.sandbox.store.getUser(`user-${i % 60}`)?.attributes[`n_${i}`]).toBe(i);
    }
  }, 90_000);
});
