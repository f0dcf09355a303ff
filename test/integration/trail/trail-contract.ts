// The TrailStore port's contract, run against every backend: SQLite (sqlite-trail.test.ts) and DynamoDB on dynalite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrailStore } from '../../../lib/trail/store.ts';
import type { AttemptRecord, IntakeRecord, SyncRunRecord } from '../../../lib/trail/types.ts';

export function intake(overrides: Partial<IntakeRecord> & { requestId: string }): IntakeRecord {
  return {
    source: 'stripe',
    receivedAt: '2026-12-01T10:00:00.000Z',
    status: 202,
    outcome: 'accepted',
    eventIds: [`evt_${overrides.requestId}`],
    headers: { 'content-type': 'application/json' },
    body: { stored: true, size: 2, text: '{}' },
    events: [
      {
        id: `evt_${overrides.requestId}`,
        type: 'customer.created',
        outcome: 'accepted',
        rules: [{ name: 'upsert', decision: 'matched' }],
        commands: [{ id: `cmd_${overrides.requestId}`, kind: 'upsert_user', userId: 'ada' }],
      },
    ],
    expiresAt: 2_000_000_000,
    ...overrides,
  };
}

export function attempt(overrides: Partial<AttemptRecord> & { commandId: string }): AttemptRecord {
  return {
    messageId: 'm1',
    at: '2026-12-01T10:00:01.000Z',
    attempt: 1,
    action: 'upsert_user',
    status: 200,
    latencyMs: 12,
    outcome: 'delivered',
    expiresAt: 2_000_000_000,
    ...overrides,
  };
}

export function describeTrailContract(label: string, open: () => Promise<TrailStore>): void {
  describe(`TrailStore contract: ${label}`, () => {
    let store: TrailStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => {
      store.close();
    });

    it('finds an intake by request id, sender event id and command id', async () => {
      const record = intake({ requestId: 'r1' });
      await store.putIntake(record);
      expect(await store.findIntake('r1')).toEqual(record);
      expect(await store.findIntake('evt_r1')).toEqual(record);
      expect(await store.findIntake('cmd_r1')).toEqual(record);
      expect(await store.findIntake('nope')).toBeUndefined();
    });

    it('finds the newest intake of a re-sent event', async () => {
      await store.putIntake(
        intake({ requestId: 'a', eventIds: ['evt_x'], receivedAt: '2026-12-01T10:00:00Z' }),
      );
      await store.putIntake(
        intake({
          requestId: 'b',
          eventIds: ['evt_x'],
          receivedAt: '2026-12-01T11:00:00Z',
          outcome: 'duplicate',
        }),
      );
      expect((await store.findIntake('evt_x'))?.requestId).toBe('b');
    });

    it('lists newest first, filtered by source, outcome, user, group and time, within the limit', async () => {
      await store.putIntake(intake({ requestId: 'r1', receivedAt: '2026-12-01T10:00:00.000Z' }));
      await store.putIntake(
        intake({
          requestId: 'r2',
          source: 'hubspot',
          outcome: 'bad_signature',
          status: 401,
          receivedAt: '2026-12-01T11:00:00.000Z',
          events: [],
        }),
      );
      await store.putIntake(
        intake({
          requestId: 'r3',
          receivedAt: '2026-12-01T12:00:00.000Z',
          events: [
            {
              id: 'evt_r3',
              outcome: 'accepted',
              rules: [],
              commands: [{ id: 'c3', kind: 'add_membership', userId: 'bob', groupId: 'acme' }],
            },
          ],
        }),
      );
      const ids = (records: IntakeRecord[]) => records.map((r) => r.requestId);
      expect(ids(await store.listIntakes({ limit: 10 }))).toEqual(['r3', 'r2', 'r1']);
      expect(ids(await store.listIntakes({ limit: 2 }))).toEqual(['r3', 'r2']);
      expect(ids(await store.listIntakes({ limit: 10, source: 'stripe' }))).toEqual(['r3', 'r1']);
      expect(ids(await store.listIntakes({ limit: 10, outcome: 'bad_signature' }))).toEqual(['r2']);
      expect(ids(await store.listIntakes({ limit: 10, userId: 'ada' }))).toEqual(['r1']);
      expect(ids(await store.listIntakes({ limit: 10, groupId: 'acme' }))).toEqual(['r3']);
      expect(
        ids(await store.listIntakes({ limit: 10, since: new Date('2026-12-01T11:00:00.000Z') })),
      ).toEqual(['r3', 'r2']);
    });

    it('finds ids exactly, whatever they hold: emails, spaces, case, a user named as a group', async () => {
      const command = (id: string, userId: string, groupId?: string) => ({
        id,
        kind: 'add_membership',
        userId,
        ...(groupId === undefined ? {} : { groupId }),
      });
      const at = (hour: number) => `2026-12-01T${String(hour).padStart(2, '0')}:00:00.000Z`;
      const sent = (requestId: string, hour: number, commands: ReturnType<typeof command>[]) =>
        intake({
          requestId,
          receivedAt: at(hour),
          events: [{ id: `evt_${requestId}`, outcome: 'accepted', rules: [], commands }],
        });
      await store.putIntake(sent('r1', 10, [command('c 1', 'ada+trial@example.com', 'Ada Co')]));
      await store.putIntake(sent('r2', 11, [command('C 1', 'Ada+trial@example.com', 'ada co')]));
      await store.putIntake(sent('r3', 12, [command('c3', 'acme', 'ada+trial@example.com')]));
      const ids = (records: IntakeRecord[]) => records.map((r) => r.requestId);
      expect(ids(await store.listIntakes({ limit: 10, userId: 'ada+trial@example.com' }))).toEqual(['r1']);
      expect(ids(await store.listIntakes({ limit: 10, groupId: 'ada+trial@example.com' }))).toEqual(['r3']);
      expect(ids(await store.listIntakes({ limit: 10, groupId: 'Ada Co' }))).toEqual(['r1']);
      expect(ids(await store.listIntakes({ limit: 10, userId: 'ada' }))).toEqual([]);
      expect((await store.findIntake('c 1'))?.requestId).toBe('r1');
      expect((await store.findIntake('C 1'))?.requestId).toBe('r2');
      expect(await store.findIntake('c')).toBeUndefined();
    });

    it('returns every attempt of the commands asked for, oldest first', async () => {
      await store.putAttempt(attempt({ commandId: 'c1', attempt: 2, at: '2026-12-01T10:00:05.000Z' }));
      await store.putAttempt(
        attempt({
          commandId: 'c1',
          attempt: 1,
          at: '2026-12-01T10:00:01.000Z',
          outcome: 'retry',
          status: 429,
        }),
      );
      await store.putAttempt(attempt({ commandId: 'c2' }));
      const got = await store.attemptsFor(['c1']);
      expect(got.map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'retry'],
        [2, 'delivered'],
      ]);
      expect(await store.attemptsFor([])).toEqual([]);
    });

    it('lists attempts of every origin by user, group and principal, newest first', async () => {
      await store.putAttempt(
        attempt({
          commandId: 'w1',
          userId: 'ada',
          at: '2026-12-01T10:00:00.000Z',
          principal: 'webhook:stripe',
        }),
      );
      await store.putAttempt(
        attempt({
          commandId: 's1',
          userId: 'ada',
          groupId: 'acme',
          at: '2026-12-01T11:00:00.000Z',
          principal: 'sync:accounts',
          origin: 'sync:accounts/add_membership',
        }),
      );
      await store.putAttempt(
        attempt({ commandId: 'd1', userId: 'bob', at: '2026-12-01T12:00:00.000Z', principal: 'cli:alice' }),
      );
      const ids = (records: AttemptRecord[]) => records.map((r) => r.commandId);
      expect(ids(await store.listAttempts({ limit: 10 }))).toEqual(['d1', 's1', 'w1']);
      expect(ids(await store.listAttempts({ limit: 10, userId: 'ada' }))).toEqual(['s1', 'w1']);
      expect(ids(await store.listAttempts({ limit: 1, userId: 'ada' }))).toEqual(['s1']);
      expect(ids(await store.listAttempts({ limit: 10, groupId: 'acme' }))).toEqual(['s1']);
      expect(ids(await store.listAttempts({ limit: 10, principal: 'cli:alice' }))).toEqual(['d1']);
      expect(
        ids(await store.listAttempts({ limit: 10, since: new Date('2026-12-01T11:00:00.000Z') })),
      ).toEqual(['d1', 's1']);
      expect((await store.listAttempts({ limit: 10, groupId: 'acme' }))[0]?.origin).toBe(
        'sync:accounts/add_membership',
      );
    });

    it('keeps the last write of a sync run and lists runs newest first, by name', async () => {
      const run = (runId: string, name: string, startedAt: string, outcome = 'completed'): SyncRunRecord => ({
        runId,
        name,
        startedAt,
        outcome,
        counts: { queued: 3 },
        expiresAt: 2_000_000_000,
      });
      await store.putSyncRun(run('a1', 'accounts', '2026-12-01T10:00:00.000Z', 'running'));
      await store.putSyncRun({ ...run('a1', 'accounts', '2026-12-01T10:00:00.000Z'), counts: { queued: 8 } });
      await store.putSyncRun(run('b1', 'billing', '2026-12-01T11:00:00.000Z', 'refused'));
      await store.putSyncRun(run('a2', 'accounts', '2026-12-01T12:00:00.000Z'));
      const all = await store.listSyncRuns({ limit: 10 });
      expect(all.map((r) => r.runId)).toEqual(['a2', 'b1', 'a1']);
      expect(all[2]).toMatchObject({ outcome: 'completed', counts: { queued: 8 } });
      expect((await store.listSyncRuns({ limit: 10, name: 'accounts' })).map((r) => r.runId)).toEqual([
        'a2',
        'a1',
      ]);
      expect(await store.listSyncRuns({ limit: 10, name: 'nope' })).toEqual([]);
    });

    it('lets one claim of a confirmation win, even among concurrent ones, and each id be claimed once', async () => {
      const claims = await Promise.all(
        Array.from({ length: 5 }, () => store.claimConfirmation('digest-1', 2_000_000_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.claimConfirmation('digest-1', 2_000_000_000)).toBe(false);
      expect(await store.claimConfirmation('digest-2', 2_000_000_000)).toBe(true);
      // A claim is no record: it is in no listing and no purge count.
      expect(await store.listIntakes({ limit: 10 })).toEqual([]);
      expect(await store.listAttempts({ limit: 10 })).toEqual([]);
    });

    it('drops expired records and keeps the rest', async () => {
      await store.putIntake(intake({ requestId: 'old', expiresAt: 1_000 }));
      await store.putIntake(intake({ requestId: 'new', expiresAt: 5_000 }));
      await store.putAttempt(attempt({ commandId: 'cmd_old', expiresAt: 1_000 }));
      await store.putSyncRun({
        runId: 'old-run',
        name: 'accounts',
        startedAt: '2026-12-01T10:00:00.000Z',
        outcome: 'completed',
        counts: {},
        expiresAt: 1_000,
      });
      expect(await store.claimConfirmation('used-long-ago', 1_000)).toBe(true);
      expect(await store.purgeExpired(new Date(2_000_000))).toBe(3);
      expect(await store.listSyncRuns({ limit: 10 })).toEqual([]);
      expect(await store.findIntake('old')).toBeUndefined();
      expect(await store.findIntake('cmd_old')).toBeUndefined();
      expect(await store.findIntake('new')).toBeDefined();
      expect(await store.attemptsFor(['cmd_old'])).toEqual([]);
      // The expired claim went too (its token confirms nothing any more), so the id is free again.
      expect(await store.claimConfirmation('used-long-ago', 1_000)).toBe(true);
    });
  });
}
