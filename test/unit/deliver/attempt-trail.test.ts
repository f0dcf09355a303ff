// Delivery's attempt records: what each names (user, principal, origin), and a trail that fails or hangs never
// changing a record's outcome, only the TrailWriteFailed count.
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import {
  buildEnvelope,
  type CommandInput,
  command as commandSchema,
  envelopeOrigin,
  envelopePrincipal,
} from '../../../lib/commands/index.ts';
import { createDeliverHandler } from '../../../lib/deliver/handler.ts';
import { createLogger } from '../../../lib/logger.ts';
import { envelopeFor } from '../../../lib/sync/commands.ts';
import type { TrailStore } from '../../../lib/trail/store.ts';
import type { AttemptRecord } from '../../../lib/trail/types.ts';
import { commandRecord, sqsEvent, sqsRecordFactory } from '../../helpers/sqs-records.ts';
import { fakeTime } from './fake-time.ts';
import { type FakeUser, fakeUserflow } from './fake-userflow.ts';
import { MemoryPersistenceLayer } from './memory-persistence.ts';

/** A trail port whose attempt writes succeed, fail or never answer. */
function fakeTrail(behaviour: 'ok' | 'fail' | 'hang') {
  const attempts: AttemptRecord[] = [];
  const unused = () => Promise.reject(new Error('not used by delivery'));
  const trail: TrailStore = {
    putAttempt: (record) => {
      if (behaviour === 'fail') return Promise.reject(new Error('disk I/O error'));
      if (behaviour === 'hang') return new Promise<void>(() => {});
      attempts.push(record);
      return Promise.resolve();
    },
    putIntake: unused,
    listIntakes: unused,
    findIntake: unused,
    attemptsFor: unused,
    listAttempts: unused,
    putSyncRun: unused,
    listSyncRuns: unused,
    claimConfirmation: unused,
    purgeExpired: unused,
    close: () => {},
  };
  return { trail, attempts };
}

function setup(trail: TrailStore, users: FakeUser[] = []) {
  const fake = fakeUserflow({ users });
  const time = fakeTime(Date.parse('2026-01-01T00:00:00Z'));
  const published: Record<string, { dimensions: Record<string, string>; value: number }> = {};
  let dimensions: Record<string, string> = {};
  const metrics = {
    addDimension(name: string, value: string) {
      dimensions[name] = value;
      return this;
    },
    addMetric(name: string, _unit: string, value: number) {
      published[name] = { dimensions: { ...dimensions }, value };
      return this;
    },
    publishStoredMetrics() {
      dimensions = {};
    },
  } as unknown as Metrics;
  const handler = createDeliverHandler({
    client: fake.client,
    queue: { changeVisibility: async () => {} },
    dlq: { send: async () => {} },
    idempotency: new MemoryPersistenceLayer(),
    logger: createLogger({ service: 'test', level: 'SILENT' }),
    metrics,
    trail,
    trailRetentionDays: 7,
    trailFlushTimeoutMs: 20,
    rate: { limitPerSecond: 1_000, maxConcurrency: 1 },
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
  });
  return { handler, published, fake };
}

const upsert: CommandInput = { type: 'upsert_user', user_id: 'ada', attributes: { plan: 'pro' } };

describe('attempt records', () => {
  it('name the user a lookup resolved to on every call of the command, and expire after the retention', async () => {
    const { trail, attempts } = fakeTrail('ok');
    const { handler } = setup(trail, [{ id: 'u_9', attributes: { email: 'ada@example.com' } }]);
    await handler(
      sqsEvent([
        commandRecord({
          type: 'upsert_user',
          user_lookup: { attribute: 'email', value: 'ada@example.com' },
          attributes: { plan: 'pro' },
        }),
      ]),
    );

    expect(attempts.map((a) => [a.action, a.userId, a.outcome])).toEqual([
      ['listUsers', 'u_9', 'delivered'],
      ['createOrUpdateUser', 'u_9', 'delivered'],
    ]);
    expect(attempts[1]?.request).toEqual({ id: 'u_9', attributes: { plan: 'pro' } });
    const at = Date.parse(attempts[1]?.at ?? '') / 1000;
    expect(attempts[1]?.expiresAt).toBe(Math.floor(at) + 7 * 24 * 3600);
  });

  it('keep one `none` record for a body that is not an envelope, under its message id', async () => {
    const { trail, attempts } = fakeTrail('ok');
    const { handler } = setup(trail);
    await handler(sqsEvent([sqsRecordFactory({ messageId: 'm-1', body: 'not json' })]));

    expect(attempts).toEqual([
      expect.objectContaining({
        commandId: 'm-1',
        messageId: 'm-1',
        action: 'none',
        outcome: 'dead_lettered',
      }),
    ]);
  });

  it.each(['fail', 'hang'] as const)(
    'a trail that writes %s leaves the outcome alone and is counted as TrailWriteFailed',
    async (behaviour) => {
      const { trail } = fakeTrail(behaviour);
      const { handler, published, fake } = setup(trail);
      const response = await handler(sqsEvent([commandRecord(upsert), commandRecord(upsert)]));

      expect(response.batchItemFailures).toEqual([]);
      // The two upserts of one user go as one call; both commands are delivered and both have attempt records.
      expect(fake.calls.filter((c) => c.method === 'createOrUpdateUser')).toHaveLength(1);
      expect(published.Delivered).toEqual({ dimensions: { action: 'upsert_user' }, value: 2 });
      // Without a dimension, so one alarm covers every command kind.
      expect(published.TrailWriteFailed).toEqual({ dimensions: {}, value: 2 });
    },
  );
});

describe('provenance', () => {
  it('a webhook command is asked for by its source; a sync command by the sync, from the kind it compared', () => {
    const command = commandSchema.parse(upsert);
    const webhook = buildEnvelope({
      source: 'stripe',
      rule: 'paid',
      eventId: 'evt_1',
      index: 0,
      receivedAt: new Date(),
      command,
    });
    expect([envelopePrincipal(webhook), envelopeOrigin(webhook)]).toEqual([
      'webhook:stripe',
      'webhook:stripe',
    ]);

    const sync = envelopeFor(
      'crm',
      { kind: 'users', key: 'ada', change: 'updated', attributes: { plan: 'pro' }, hash: 'h1' },
      command,
      new Date(),
    );
    expect([envelopePrincipal(sync), envelopeOrigin(sync)]).toEqual(['sync:crm', 'sync:crm/users']);
  });
});
