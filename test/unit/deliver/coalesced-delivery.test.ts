// Delivery's coalescing, through the handler: consecutive upserts of one target in one batch's message group go as
// one call, the records it carries settle as that call did, and a refused merged call falls back to one call each.
import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../../lib/commands/command.ts';
import { messageGroupId } from '../../../lib/commands/message-group.ts';
import type { AuditRecord } from '../../../lib/deliver/audit.ts';
import { createDeliverHandler } from '../../../lib/deliver/handler.ts';
import { createLogger } from '../../../lib/logger.ts';
import type { TrailStore } from '../../../lib/trail/store.ts';
import type { AttemptRecord } from '../../../lib/trail/types.ts';
import { commandRecord, sqsEvent, sqsRecordFactory } from '../../helpers/sqs-records.ts';
import { fakeTime } from './fake-time.ts';
import { type FakeUser, fakeUserflow, userflowError } from './fake-userflow.ts';
import { MemoryPersistenceLayer } from './memory-persistence.ts';

function setup({ coalesce, users = [] }: { coalesce?: boolean; users?: FakeUser[] } = {}) {
  const fake = fakeUserflow({ users });
  const time = fakeTime(Date.parse('2026-01-01T00:00:00Z'));
  const audit: AuditRecord[] = [];
  const attempts: AttemptRecord[] = [];
  const visibility: { receiptHandle: string; seconds: number }[] = [];
  const trail = {
    async putAttempt(record: AttemptRecord) {
      attempts.push(record);
    },
  } as unknown as TrailStore;
  const handler = createDeliverHandler({
    client: fake.client,
    queue: {
      async changeVisibility(receiptHandle, seconds) {
        visibility.push({ receiptHandle, seconds });
      },
    },
    dlq: { async send() {} },
    idempotency: new MemoryPersistenceLayer(),
    logger: createLogger({ service: 'test', level: 'SILENT' }),
    auditSink: { write: (record) => audit.push(record) },
    trail,
    rate: { limitPerSecond: 1_000, maxConcurrency: 1 },
    backoff: { baseMs: 1_000, capMs: 60_000 },
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    ...(coalesce === undefined ? {} : { coalesce }),
  });
  const failedIds = async (records: ReturnType<typeof commandRecord>[]) =>
    (await handler(sqsEvent(records))).batchItemFailures.map((f) => f.itemIdentifier);
  return { ...fake, handler, failedIds, audit, attempts, visibility };
}

const upsert = (user: string, attributes: Record<string, unknown>): CommandInput =>
  ({ type: 'upsert_user', user_id: user, attributes }) as CommandInput;

const commandId = (record: ReturnType<typeof commandRecord>) => JSON.parse(record.body).id as string;

describe('coalesced delivery', () => {
  it('sends consecutive upserts of one user as one call, other users keeping theirs, every record delivered', async () => {
    const t = setup();
    const records = [
      commandRecord(upsert('u1', { a: 1 })),
      commandRecord(upsert('u2', { a: 9 })),
      commandRecord(upsert('u1', { b: 'x' })),
      commandRecord(upsert('u1', { a: 2 })),
    ];
    expect(await t.failedIds(records)).toEqual([]);
    expect(t.callsOf('createOrUpdateUser').map((c) => c.args[0])).toEqual([
      { id: 'u1', attributes: { a: 2, b: 'x' } },
      { id: 'u2', attributes: { a: 9 } },
    ]);
    expect(t.users.get('u1')?.attributes).toEqual({ a: 2, b: 'x' });

    const [lead, , second, third] = records.map(commandId);
    const byCommand = new Map(t.audit.map((a) => [a.commandId, a]));
    expect(byCommand.get(lead)).toMatchObject({
      action: 'createOrUpdateUser',
      outcome: 'delivered',
      alsoDelivers: [second, third],
    });
    for (const id of [second, third]) {
      expect(byCommand.get(id)).toMatchObject({ action: 'none', outcome: 'delivered', deliveredBy: lead });
    }
    // The trail says the same: every coalesced command delivered, by the leader's one call.
    expect(t.attempts).toHaveLength(4);
    expect(t.attempts.filter((a) => a.deliveredBy === lead).map((a) => a.commandId)).toEqual([second, third]);
    expect(t.attempts.find((a) => a.commandId === lead)?.request).toEqual({
      id: 'u1',
      attributes: { a: 2, b: 'x' },
    });
  });

  it('makes one call per command when coalescing is off', async () => {
    const t = setup({ coalesce: false });
    const records = [commandRecord(upsert('u1', { a: 1 })), commandRecord(upsert('u1', { b: 2 }))];
    expect(await t.failedIds(records)).toEqual([]);
    expect(t.callsOf('createOrUpdateUser')).toHaveLength(2);
    expect(t.audit.some((a) => a.deliveredBy !== undefined || a.alsoDelivers !== undefined)).toBe(false);
  });

  it('splits a merged call Userflow refused: the leader retries its own command, the others make their own', async () => {
    const t = setup();
    t.failNext('createOrUpdateUser', userflowError(400));
    const records = [
      commandRecord(upsert('u1', { a: 1 })),
      commandRecord(upsert('u1', { b: 2 })),
      commandRecord(upsert('u1', { c: 3 })),
    ];
    expect(await t.failedIds(records)).toEqual([]);
    expect(t.callsOf('createOrUpdateUser').map((c) => c.args[0])).toEqual([
      { id: 'u1', attributes: { a: 1, b: 2, c: 3 } },
      { id: 'u1', attributes: { a: 1 } },
      { id: 'u1', attributes: { b: 2 } },
      { id: 'u1', attributes: { c: 3 } },
    ]);
    expect(t.users.get('u1')?.attributes).toEqual({ a: 1, b: 2, c: 3 });
    expect(t.audit.some((a) => a.deliveredBy !== undefined)).toBe(false);
    // The leader's audit shows both of its calls: the refused merged one and its own.
    const lead = commandId(records[0] as ReturnType<typeof commandRecord>);
    expect(t.audit.filter((a) => a.commandId === lead).map((a) => [a.status, a.outcome])).toEqual([
      [400, 'delivered'],
      [200, 'delivered'],
    ]);
  });

  it('fails the whole run when the merged call fails transiently: nothing is acked that was not delivered', async () => {
    const t = setup();
    t.failNext('createOrUpdateUser', userflowError(503));
    const records = [
      commandRecord(upsert('u1', { a: 1 })),
      commandRecord(upsert('u2', { z: 1 })),
      commandRecord(upsert('u1', { b: 2 })),
    ];
    const failed = await t.failedIds(records);
    expect(failed.sort()).toEqual([records[0]?.messageId, records[2]?.messageId].sort());
    expect(t.users.get('u1')).toBeUndefined();
    expect(t.users.get('u2')?.attributes).toEqual({ z: 1 });
    // The carried record comes back with its leader's delay, not after the queue's whole visibility timeout.
    const delays = new Map(t.visibility.map((v) => [v.receiptHandle, v.seconds]));
    expect(delays.get(records[2]?.receiptHandle as string)).toBe(
      delays.get(records[0]?.receiptHandle as string),
    );
  });

  it('settles carried records as the leader did when its call had nothing to do', async () => {
    const t = setup();
    const onlyIfExists = (attributes: Record<string, unknown>) =>
      ({ ...(upsert('ghost', attributes) as object), only_if_exists: true }) as CommandInput;
    const records = [commandRecord(onlyIfExists({ a: 1 })), commandRecord(onlyIfExists({ b: 2 }))];
    expect(await t.failedIds(records)).toEqual([]);
    expect(t.calls.map((c) => c.method)).toEqual(['getUser']);
    // The leader's record is its getUser call (with the call's own 404); the carried one made no call.
    expect(t.audit.map((a) => [a.action, a.outcome, a.reason])).toEqual([
      ['getUser', 'skipped', 'userflow_not_found'],
      ['none', 'skipped', 'user_missing'],
    ]);
  });

  it('merges nothing across a record of the group that does not parse', async () => {
    const t = setup();
    const first = commandRecord(upsert('u1', { a: 1 }));
    const broken = sqsRecordFactory({
      body: '{"not":"an envelope"}',
      groupId: messageGroupId({ type: 'upsert_user', user_id: 'u1', attributes: {} }),
    });
    const last = commandRecord(upsert('u1', { b: 2 }));
    expect(await t.failedIds([first, broken, last])).toEqual([]);
    expect(t.callsOf('createOrUpdateUser')).toHaveLength(2);
  });
});
