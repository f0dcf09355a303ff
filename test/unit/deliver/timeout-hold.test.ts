// A timed-out call's outcome is unknown: its record, and the rest of its user's group, wait out the hold; the
// retry re-sends the whole intended state.
import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../lib/deliver/classify.ts';
import { dispose } from '../../../lib/deliver/dispose.ts';
import { createDeliverHandler } from '../../../lib/deliver/handler.ts';
import { createLogger } from '../../../lib/logger.ts';
import { networkErrorFrom } from '../../../lib/userflow/index.ts';
import { commandRecord, sqsEvent } from '../../helpers/sqs-records.ts';
import { fakeTime } from './fake-time.ts';
import { fakeUserflow } from './fake-userflow.ts';
import { MemoryPersistenceLayer } from './memory-persistence.ts';

const timedOut = () =>
  networkErrorFrom(Object.assign(new Error('t'), { name: 'TimeoutError' }), {
    action: 'createOrUpdateUser',
    timeoutMs: 2_000,
  });
const policy = { backoff: { baseMs: 1_000, capMs: 60_000 }, random: () => 0.5, timeoutHoldMs: 7_500 };

describe('dispose after a timeout', () => {
  it('holds a timed-out record at least the hold, rounded up, however short its backoff', () => {
    const failure = classifyFailure(timedOut());
    expect(failure).toMatchObject({ kind: 'transient', outcomeUnknown: true });
    expect(dispose(failure, 1, policy)).toEqual({ kind: 'retry', seconds: 8 });
    // A connection refused never reached Userflow: no hold, just the backoff (attempt 1, 0.5 → 0.5 s → 1 s).
    const refused = classifyFailure(
      networkErrorFrom(Object.assign(new Error('r'), { code: 'ECONNREFUSED' }), { timeoutMs: 2_000 }),
    );
    expect(refused).not.toHaveProperty('outcomeUnknown');
    expect(dispose(refused, 1, policy)).toEqual({ kind: 'retry', seconds: 1 });
  });

  it('keeps a longer backoff when it exceeds the hold', () => {
    const failure = classifyFailure(timedOut());
    // attempt 6, base 1 s → ceiling 32 s, 0.5 → 16 s.
    expect(dispose(failure, 6, policy)).toEqual({ kind: 'retry', seconds: 16 });
  });
});

describe('createDeliverHandler after a timeout', () => {
  function setup() {
    const fake = fakeUserflow();
    const time = fakeTime();
    const visibility = new Map<string, number>();
    const handler = createDeliverHandler({
      client: fake.client,
      queue: { changeVisibility: async (handle, seconds) => void visibility.set(handle, seconds) },
      dlq: { send: async () => {} },
      idempotency: new MemoryPersistenceLayer(),
      logger: createLogger({ service: 'test', level: 'SILENT' }),
      rate: { limitPerSecond: 1_000, maxConcurrency: 1 },
      backoff: { baseMs: 200, capMs: 2_000 },
      timeoutHoldMs: 4_000,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0.5,
    });
    return { ...fake, handler, visibility };
  }

  it("holds the timed-out record and the rest of its user's commands; other users go on", async () => {
    const { handler, failNext, visibility, calls } = setup();
    failNext('createOrUpdateUser', timedOut());
    const paid = commandRecord({
      type: 'add_membership',
      user_id: 'u1',
      group_id: 'paid',
      membership_attributes: { seat: 'owner' },
    });
    const cancel = commandRecord({ type: 'remove_membership', user_id: 'u1', group_id: 'paid' });
    const other = commandRecord({ type: 'upsert_user', user_id: 'u2', attributes: { plan: 'pro' } });
    const response = await handler(sqsEvent([paid, cancel, other]));

    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      paid.messageId,
      cancel.messageId,
    ]);
    expect(visibility.get(paid.receiptHandle)).toBe(4);
    expect(visibility.get(cancel.receiptHandle)).toBe(4);
    expect(calls.filter((c) => c.method === 'removeMembership')).toHaveLength(0);
    expect(calls.filter((c) => c.method === 'createOrUpdateUser')).toHaveLength(2);

    // The retry re-sends the membership with its attributes: the whole intended state, not what may be missing.
    await handler(sqsEvent([{ ...paid, attributes: { ...paid.attributes, ApproximateReceiveCount: '2' } }]));
    const sent = calls.filter(
      (c) => c.method === 'createOrUpdateUser' && (c.args[0] as { id: string }).id === 'u1',
    );
    expect(sent).toHaveLength(2);
    expect(sent[1]?.args[0]).toEqual(sent[0]?.args[0]);
    expect(sent[1]?.args[0]).toEqual({
      id: 'u1',
      memberships: [{ attributes: { seat: 'owner' }, group: { id: 'paid' } }],
    });
  });
});
