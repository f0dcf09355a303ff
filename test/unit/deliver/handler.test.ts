import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../lib/deliver/audit.ts';
import { DLQ_ATTRIBUTES } from '../../../lib/deliver/dead-letter.ts';
import { createDeliverHandler, type DeliverDeps } from '../../../lib/deliver/handler.ts';
import { createLogger } from '../../../lib/logger.ts';
import type { OutgoingMessage } from '../../../lib/queue/queue.ts';
import { commandRecord, sqsEvent, sqsRecordFactory } from '../../helpers/sqs-records.ts';
import { fakeTime } from './fake-time.ts';
import { type FakeUserflowOptions, fakeUserflow, userflowError } from './fake-userflow.ts';
import { MemoryPersistenceLayer } from './memory-persistence.ts';

function setup(options: FakeUserflowOptions & Partial<DeliverDeps> = {}) {
  const fake = fakeUserflow(options);
  const time = fakeTime(Date.parse('2026-01-01T00:00:00Z'));
  const visibility: { receiptHandle: string; seconds: number }[] = [];
  const deadLetters: OutgoingMessage[] = [];
  const audit: AuditRecord[] = [];
  const published: { dimensions: Record<string, string>; metrics: Record<string, number> }[] = [];
  let pending = { dimensions: {} as Record<string, string>, metrics: {} as Record<string, number> };
  const metrics = {
    addDimension(name: string, value: string) {
      pending.dimensions[name] = value;
      return this;
    },
    addMetric(name: string, _unit: string, value: number) {
      pending.metrics[name] = (pending.metrics[name] ?? 0) + value;
      return this;
    },
    publishStoredMetrics() {
      published.push(pending);
      pending = { dimensions: {}, metrics: {} };
    },
  } as unknown as Metrics;
  let dlqDown = false;
  const handler = createDeliverHandler({
    client: fake.client,
    queue: {
      async changeVisibility(receiptHandle, seconds) {
        visibility.push({ receiptHandle, seconds });
      },
    },
    dlq: {
      async send(messages) {
        if (dlqDown) throw new Error('DLQ unavailable');
        deadLetters.push(...messages);
      },
    },
    idempotency: new MemoryPersistenceLayer(),
    logger: createLogger({ service: 'test', level: 'SILENT' }),
    metrics,
    auditSink: { write: (record) => audit.push(record) },
    rate: { limitPerSecond: 1_000, maxConcurrency: 1 },
    backoff: { baseMs: 1_000, capMs: 60_000 },
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    ...options,
  });
  const failedIds = async (records: Parameters<typeof sqsEvent>[0]) =>
    (await handler(sqsEvent(records))).batchItemFailures.map((f) => f.itemIdentifier);
  return {
    ...fake,
    handler,
    failedIds,
    visibility,
    deadLetters,
    audit,
    published,
    time,
    takeDlqDown: () => {
      dlqDown = true;
    },
  };
}

const upsert = (user: string, plan = 'pro') =>
  ({ type: 'upsert_user', user_id: user, attributes: { plan } }) as const;

describe('createDeliverHandler', () => {
  it('delivers every record of a good batch and reports no failures', async () => {
    const { failedIds, users } = setup();
    const records = [commandRecord(upsert('u1')), commandRecord(upsert('u2', 'team'))];
    expect(await failedIds(records)).toEqual([]);
    expect(users.get('u1')?.attributes).toEqual({ plan: 'pro' });
    expect(users.get('u2')?.attributes).toEqual({ plan: 'team' });
  });

  it('a transient failure fails only that record, with a backoff set on its visibility', async () => {
    const { failedIds, failNext, visibility } = setup();
    failNext('createOrUpdateUser', userflowError(503));
    const bad = commandRecord(upsert('u1'), { receiveCount: 3 });
    const good = commandRecord(upsert('u2'));
    expect(await failedIds([bad, good])).toEqual([bad.messageId]);
    // attempt 3, base 1 s → ceiling 4 s, random 0.5 → 2 s.
    expect(visibility).toEqual([{ receiptHandle: bad.receiptHandle, seconds: 2 }]);
  });

  it('a 429 sets the visibility to at least Retry-After', async () => {
    const { failedIds, failNext, visibility } = setup();
    failNext('createOrUpdateUser', userflowError(429, { 'retry-after': '7' }));
    const record = commandRecord(upsert('u1'));
    expect(await failedIds([record])).toEqual([record.messageId]);
    expect(visibility[0]?.seconds).toBe(7);
  });

  it('a failed record holds back the rest of its group, with the same delay, and not other groups', async () => {
    const { failedIds, failNext, visibility, callsOf } = setup();
    failNext('createOrUpdateUser', userflowError(500));
    // Different attempts, so a delay of the skipped record's own would differ: attempt 3 → 2 s, attempt 6 → 16 s.
    const first = commandRecord(upsert('u1', 'a'), { receiveCount: 3 });
    const second = commandRecord(upsert('u1', 'b'), { receiveCount: 6 });
    const other = commandRecord(upsert('u2'));
    expect(await failedIds([first, second, other])).toEqual([first.messageId, second.messageId]);
    // u1's second command was not sent ahead of its first; u2 went through.
    expect(callsOf('createOrUpdateUser').map((c) => (c.args[0] as { id: string }).id)).toEqual(['u1', 'u2']);
    expect(visibility).toEqual([
      { receiptHandle: first.receiptHandle, seconds: 2 },
      { receiptHandle: second.receiptHandle, seconds: 2 },
    ]);
  });

  it('a permanent failure goes to the DLQ with its reason and counts as handled', async () => {
    const { failedIds, failNext, deadLetters } = setup();
    failNext('createOrUpdateUser', userflowError(400));
    const record = commandRecord(upsert('u1'));
    expect(await failedIds([record])).toEqual([]);
    expect(deadLetters).toHaveLength(1);
    const [message] = deadLetters as [OutgoingMessage];
    expect(message.body).toBe(record.body);
    expect(message.groupId).toBe('u1');
    expect(message.attributes).toMatchObject({
      [DLQ_ATTRIBUTES.reason]: 'userflow_invalid_params',
      [DLQ_ATTRIBUTES.status]: '400',
      [DLQ_ATTRIBUTES.userflowCode]: 'code_400',
      [DLQ_ATTRIBUTES.commandId]: JSON.parse(record.body).id,
    });
  });

  it('an unparseable body goes to the DLQ as invalid_envelope without calling Userflow', async () => {
    const { failedIds, deadLetters, calls } = setup();
    const notJson = sqsRecordFactory({ body: 'not json' });
    const wrongShape = sqsRecordFactory({ body: JSON.stringify({ v: 1, id: 'x' }) });
    expect(await failedIds([notJson, wrongShape])).toEqual([]);
    expect(deadLetters.map((m) => m.attributes?.[DLQ_ATTRIBUTES.reason])).toEqual([
      'invalid_envelope',
      'invalid_envelope',
    ]);
    expect(calls).toEqual([]);
  });

  it('if the DLQ refuses a permanent failure, the record fails and stays on the main queue', async () => {
    const { failedIds, failNext, takeDlqDown, visibility } = setup();
    failNext('createOrUpdateUser', userflowError(404));
    takeDlqDown();
    const record = commandRecord(upsert('u1'));
    expect(await failedIds([record])).toEqual([record.messageId]);
    expect(visibility.map((v) => v.receiptHandle)).toEqual([record.receiptHandle]);
  });

  it('a 401 stops the batch: every remaining record fails transiently and the alarm metric is emitted', async () => {
    const { failedIds, failNext, callsOf, deadLetters, published } = setup();
    failNext('createOrUpdateUser', userflowError(401));
    const records = [commandRecord(upsert('u1')), commandRecord(upsert('u2')), commandRecord(upsert('u3'))];
    expect(await failedIds(records)).toEqual(records.map((r) => r.messageId));
    expect(callsOf('createOrUpdateUser')).toHaveLength(1);
    expect(deadLetters).toEqual([]);
    const alarm = published.find((p) => p.metrics.UserflowUnauthorized !== undefined);
    expect(alarm).toEqual({ dimensions: {}, metrics: { UserflowUnauthorized: 1 } });
  });

  it('a redelivered track_event is not tracked twice', async () => {
    const { failedIds, callsOf, audit } = setup();
    const record = commandRecord({ type: 'track_event', user_id: 'u1', name: 'paid' });
    expect(await failedIds([record])).toEqual([]);
    const again = { ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '2' } };
    expect(await failedIds([again])).toEqual([]);
    expect(callsOf('trackEvent')).toHaveLength(1);
    expect(audit.map((a) => a.outcome)).toEqual(['delivered', 'duplicate']);
  });

  it('a track_event that failed is tracked on its retry (the id is recorded only after success)', async () => {
    const { failedIds, failNext, callsOf } = setup();
    failNext('trackEvent', userflowError(502));
    const record = commandRecord({ type: 'track_event', user_id: 'u1', name: 'paid' });
    expect(await failedIds([record])).toEqual([record.messageId]);
    expect(await failedIds([record])).toEqual([]);
    expect(callsOf('trackEvent')).toHaveLength(2);
  });

  it('writes one audit record per Userflow call with the envelope’s context', async () => {
    const { failedIds, audit, failNext } = setup({ users: [{ id: 'u9', attributes: { email: 'a@b.c' } }] });
    failNext('removeMembership', userflowError(503));
    const record = commandRecord(
      { type: 'remove_membership', user_lookup: { attribute: 'email', value: 'a@b.c' }, group_id: 'g1' },
      { receiveCount: 2, eventId: 'evt_audit' },
    );
    await failedIds([record]);
    const envelope = JSON.parse(record.body);
    expect(audit).toEqual([
      expect.objectContaining({
        messageId: record.messageId,
        commandId: envelope.id,
        source: 'test',
        rule: 'test-rule',
        senderEventId: 'evt_audit',
        command: 'remove_membership',
        action: 'listUsers',
        status: 200,
        attempt: 2,
        outcome: 'retry',
      }),
      expect.objectContaining({
        action: 'removeMembership',
        status: 503,
        attempt: 2,
        outcome: 'retry',
        reason: 'userflow_server_error',
      }),
    ]);
    for (const entry of audit) expect(typeof entry.latencyMs).toBe('number');
  });

  it('publishes counts by command kind', async () => {
    const { failedIds, failNext, published } = setup();
    failNext('createOrUpdateUser', userflowError(429, { 'retry-after': '1' }));
    await failedIds([
      commandRecord(upsert('u1')),
      commandRecord(upsert('u2')),
      commandRecord({ type: 'delete_group', group_id: 'g1' }),
    ]);
    expect(published).toEqual(
      expect.arrayContaining([
        { dimensions: { action: 'upsert_user' }, metrics: { Retried: 1, Throttled: 1, Delivered: 1 } },
        { dimensions: { action: 'delete_group' }, metrics: { Delivered: 1 } },
      ]),
    );
  });

  it('a lookup miss with if_missing skip is handled (deleted), not retried or dead-lettered', async () => {
    const { failedIds, deadLetters, audit } = setup();
    const record = commandRecord({
      type: 'track_event',
      user_lookup: { attribute: 'email', value: 'nobody@example.com' },
      name: 'paid',
    });
    expect(await failedIds([record])).toEqual([]);
    expect(deadLetters).toEqual([]);
    expect(audit.at(-1)).toMatchObject({ outcome: 'skipped', reason: 'lookup_not_found' });
  });

  it('a lookup miss with if_missing fail is dead-lettered', async () => {
    const { failedIds, deadLetters } = setup();
    const record = commandRecord({
      type: 'delete_user',
      user_lookup: { attribute: 'email', value: 'nobody@example.com', if_missing: 'fail' },
    });
    expect(await failedIds([record])).toEqual([]);
    expect(deadLetters[0]?.attributes?.[DLQ_ATTRIBUTES.reason]).toBe('lookup_not_found');
  });

  it('paces calls at the configured limit ÷ max concurrency', async () => {
    const { handler, time } = setup({ rate: { limitPerSecond: 40, maxConcurrency: 4 } });
    const start = time.clock();
    await handler(sqsEvent(Array.from({ length: 11 }, (_, i) => commandRecord(upsert(`u${i}`)))));
    // 10 per second: the 11th call goes one second after the first.
    expect(time.clock() - start).toBeGreaterThanOrEqual(1_000);
    expect(handler.rate().ceilingPerSecond).toBe(10);
  });
});

describe('createDeliverHandler under a long Retry-After', () => {
  it('does not wait out a pause longer than maxPauseWaitMs: later records return after it instead', async () => {
    const { failedIds, failNext, visibility, callsOf, time } = setup({ maxPauseWaitMs: 5_000 });
    failNext('createOrUpdateUser', userflowError(429, { 'retry-after': '30' }));
    const records = [commandRecord(upsert('u1')), commandRecord(upsert('u2')), commandRecord(upsert('u3'))];
    const start = time.clock();
    expect(await failedIds(records)).toEqual(records.map((r) => r.messageId));
    expect(callsOf('createOrUpdateUser')).toHaveLength(1);
    expect(time.clock() - start).toBeLessThan(5_000);
    expect(visibility.map((v) => v.receiptHandle)).toEqual(records.map((r) => r.receiptHandle));
    for (const v of visibility) expect(v.seconds).toBeGreaterThanOrEqual(30);
  });

  it('waits out a short pause and goes on', async () => {
    const { failedIds, failNext, callsOf } = setup({ maxPauseWaitMs: 5_000 });
    failNext('createOrUpdateUser', userflowError(429, { 'retry-after': '2' }));
    const records = [commandRecord(upsert('u1')), commandRecord(upsert('u2'))];
    expect(await failedIds(records)).toEqual([records[0]?.messageId]);
    expect(callsOf('createOrUpdateUser')).toHaveLength(2);
  });
});

describe('createDeliverHandler near the Lambda timeout', () => {
  it('does not start records it could not finish before the invocation times out', async () => {
    const { handler, callsOf } = setup({
      rate: { limitPerSecond: 1, maxConcurrency: 1 },
      timeReserveMs: 1_000,
    });
    const records = [commandRecord(upsert('u1')), commandRecord(upsert('u2')), commandRecord(upsert('u3'))];
    const context = { getRemainingTimeInMillis: () => 2_500 } as unknown as Context;
    const response = await handler(sqsEvent(records), context);
    // 1 call/s and 1.5 s usable: the first two go (t = 0 s, 1 s), the third would start at 2 s — too late.
    expect(callsOf('createOrUpdateUser')).toHaveLength(2);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[2]?.messageId }]);
  });
});
