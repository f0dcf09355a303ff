// Sender-event dedupe on Powertools idempotency: TTL floor, record lifetimes, failures leave no record.
import { describe, expect, it } from 'vitest';
import { createDedupe, IngestError, MIN_TTL_SECONDS } from '../../../lib/ingest/index.ts';
import { MemoryPersistenceLayer } from './fakes.ts';

const KEY = { source: 'stripe', eventId: 'evt_1' };
/** Stripe retries a webhook for 3 days; the floor is that, not whatever the constant says. */
const THREE_DAYS = 259_200;

function setup(ttlSeconds = 4 * 24 * 3600) {
  const persistence = new MemoryPersistenceLayer();
  return { persistence, dedupe: createDedupe({ persistence, ttlSeconds, inProgressSeconds: 30 }) };
}

describe('createDedupe', () => {
  it('refuses a TTL shorter than the 3 days senders retry for', () => {
    const persistence = new MemoryPersistenceLayer();
    // The number the product promises, written out: Stripe retries for 3 days, 259,200 s.
    expect(MIN_TTL_SECONDS).toBe(THREE_DAYS);
    expect(() => createDedupe({ persistence, ttlSeconds: THREE_DAYS - 1, inProgressSeconds: 30 })).toThrow(
      RangeError,
    );
    expect(() => createDedupe({ persistence, ttlSeconds: 3 * 3600, inProgressSeconds: 30 })).toThrow(
      RangeError,
    );
    expect(() => createDedupe({ persistence, ttlSeconds: THREE_DAYS, inProgressSeconds: 30 })).not.toThrow();
  });

  it('holds an in-progress claim for inProgressSeconds, then remembers the event for the TTL', async () => {
    const { dedupe, persistence } = setup(THREE_DAYS);
    let claim: { status: string; inProgressExpiry?: number } | undefined;
    const before = Date.now();
    await dedupe(KEY, async () => {
      const record = [...persistence.records.values()][0];
      claim = record && { status: record.getStatus(), inProgressExpiry: record.inProgressExpiryTimestamp };
      return { commands: ['cmd_a'] };
    });
    expect(claim?.status).toBe('INPROGRESS');
    expect(claim?.inProgressExpiry).toBeGreaterThanOrEqual(before + 30_000);
    expect(claim?.inProgressExpiry).toBeLessThanOrEqual(Date.now() + 30_000);
    const [record] = [...persistence.records.values()];
    expect(record?.getStatus()).toBe('COMPLETED');
    expect(record?.expiryTimestamp).toBeGreaterThanOrEqual(Math.floor(before / 1000) + THREE_DAYS);
    expect(record?.expiryTimestamp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + THREE_DAYS);
  });

  it('runs the work once; a replay returns the stored result marked duplicate', async () => {
    const { dedupe } = setup();
    let runs = 0;
    const work = async () => {
      runs += 1;
      return { commands: ['cmd_a', 'cmd_b'] };
    };
    expect(await dedupe(KEY, work)).toEqual({ result: { commands: ['cmd_a', 'cmd_b'] }, duplicate: false });
    expect(await dedupe(KEY, work)).toEqual({ result: { commands: ['cmd_a', 'cmd_b'] }, duplicate: true });
    expect(runs).toBe(1);
  });

  it('keys on source and event id together', async () => {
    const { dedupe } = setup();
    const work = async () => ({ commands: [] });
    await dedupe(KEY, work);
    expect((await dedupe({ ...KEY, source: 'portal' }, work)).duplicate).toBe(false);
    expect((await dedupe({ ...KEY, eventId: 'evt_2' }, work)).duplicate).toBe(false);
  });

  it('a failing unit of work leaves no record and its own error passes through', async () => {
    const { dedupe, persistence } = setup();
    const failure = new IngestError('internal_error', 'boom');
    await expect(
      dedupe(KEY, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(persistence.records.size).toBe(0);
    expect((await dedupe(KEY, async () => ({ commands: ['cmd_a'] }))).duplicate).toBe(false);
  });

  it('a store outage is idempotency_unavailable (503, retryable)', async () => {
    const { dedupe, persistence } = setup();
    persistence.down = true;
    const error = await dedupe(KEY, async () => ({ commands: [] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).code).toBe('idempotency_unavailable');
    expect((error as IngestError).status).toBe(503);
  });
});
