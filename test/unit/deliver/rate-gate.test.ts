import { describe, expect, it } from 'vitest';
import { createDeliverHandler } from '../../../lib/deliver/handler.ts';
import type { RateGate } from '../../../lib/deliver/rate-gate.ts';
import type { RateSnapshot, Ticket } from '../../../lib/deliver/token-bucket.ts';
import { createLogger } from '../../../lib/logger.ts';
import { commandRecord, sqsEvent } from '../../helpers/sqs-records.ts';
import { fakeTime } from './fake-time.ts';
import { fakeUserflow, userflowError } from './fake-userflow.ts';
import { MemoryPersistenceLayer } from './memory-persistence.ts';

/** A gate that lets every call through at once and remembers what it was told. */
function recordingGate(time: { clock: () => number }) {
  const told: string[] = [];
  let grants = 0;
  const gate: RateGate = {
    async acquire(): Promise<Ticket> {
      grants += 1;
      return { grantedAt: time.clock() };
    },
    onSuccess: () => told.push('success'),
    onThrottle: (_ticket, retryAfterMs) => told.push(`throttle ${retryAfterMs}`),
    snapshot: (): RateSnapshot => ({
      ratePerSecond: 7,
      ceilingPerSecond: 7,
      pausedUntil: 0,
      nextGrantAt: time.clock(),
      throttles: told.filter((t) => t.startsWith('throttle')).length,
    }),
  };
  return { gate, told, grants: () => grants };
}

describe('createDeliverHandler with a rate gate given', () => {
  it('passes every Userflow call through the gate and reports its outcome, with no limiter of its own', async () => {
    const fake = fakeUserflow();
    const time = fakeTime();
    const { gate, told, grants } = recordingGate(time);
    const handler = createDeliverHandler({
      client: fake.client,
      queue: { changeVisibility: async () => {} },
      dlq: { send: async () => {} },
      idempotency: new MemoryPersistenceLayer(),
      logger: createLogger({ service: 'test', level: 'SILENT' }),
      gate,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0.5,
    });
    fake.failNext('createOrUpdateUser', userflowError(429, { 'retry-after': '3' }));
    const upsert = (user_id: string) =>
      commandRecord({ type: 'upsert_user', user_id, attributes: { plan: 'pro' } });
    const response = await handler(sqsEvent([upsert('u1'), upsert('u2'), upsert('u3')]));

    expect(response.batchItemFailures).toHaveLength(1);
    expect(grants()).toBe(3);
    expect(told).toEqual(['throttle 3000', 'success', 'success']);
    // The handler reports the gate's own state: nothing of its own in between.
    expect(handler.rate()).toMatchObject({ ratePerSecond: 7, ceilingPerSecond: 7, throttles: 1 });
  });

  it('refuses to start with neither a gate nor a rate', () => {
    const fake = fakeUserflow();
    expect(() =>
      createDeliverHandler({
        client: fake.client,
        queue: { changeVisibility: async () => {} },
        dlq: { send: async () => {} },
        idempotency: new MemoryPersistenceLayer(),
        logger: createLogger({ service: 'test', level: 'SILENT' }),
      }),
    ).toThrow(RangeError);
  });
});
