// The strict profile refuses what Userflow might refuse; generated onboarding sessions carry realistic progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ONBOARDING_CONTENT_ID,
  onboardingSeed,
  parseSeedDocument,
  type RunningSandbox,
  startSandbox,
} from '../../../lib/sandbox/index.ts';
import { api } from './http.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');
let strict: RunningSandbox;
let lenient: RunningSandbox;
let call: ReturnType<typeof api>;
beforeAll(async () => {
  [strict, lenient] = await Promise.all([
    startSandbox({ seed: 'none', profile: 'strict' }),
    startSandbox({ seed: 'none', profile: 'lenient' }),
  ]);
  call = api(strict.url);
  await call('POST', '/users', { body: { id: 'member', groups: [{ id: 'team' }] } });
});
afterAll(() => Promise.all([strict.close(), lenient.close()]));

describe('the strict profile', () => {
  it('refuses a dot in an attribute name, naming the attribute; lenient stores it', async () => {
    const body = { id: 'dotted', attributes: { 'company.name': 'Acme' } };
    const reply = await call('POST', '/users', { body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/^attributes\.company\.name: attribute names may contain only/);
    expect(strict.store.getUser('dotted')).toBeUndefined();
    expect((await api(lenient.url)('POST', '/users', { body })).status).toBe(200);
  });

  it('accepts letters, digits, _, - and spaces in names', async () => {
    const reply = await call('POST', '/users', {
      body: { id: 'plain', attributes: { 'Plan name': 'pro', seats_2: 3, 'sign-up': 'web' } },
    });
    expect(reply.status).toBe(200);
    expect(
      (await call('POST', '/events', { body: { name: 'Report exported-2', user_id: 'plain' } })).status,
    ).toBe(200);
  });

  it('refuses a dot in an event name', async () => {
    const reply = await call('POST', '/events', { body: { name: 'report.exported', user_id: 'member' } });
    expect([reply.status, reply.body.error.message]).toEqual([
      400,
      'name: event names may contain only letters, digits, _, - and spaces',
    ]);
  });

  it('answers 404 to an event for a user it has never seen, creating nobody', async () => {
    const reply = await call('POST', '/events', { body: { name: 'first_touch', user_id: 'stranger' } });
    expect(reply.status).toBe(404);
    expect(strict.store.getUser('stranger')).toBeUndefined();
  });

  it('reads DELETE /group_memberships ids from the query only', async () => {
    const inBody = await call('DELETE', '/group_memberships', {
      body: { user_id: 'member', group_id: 'team' },
    });
    expect(inBody.status).toBe(400);
    expect(strict.store.getMembership('member', 'team')).toBeDefined();
    const inQuery = await call('DELETE', '/group_memberships?user_id=member&group_id=team');
    expect(inQuery.status).toBe(200);
    expect(strict.store.getMembership('member', 'team')).toBeUndefined();
  });

  it('refuses prune_memberships without the full list, and prunes with one', async () => {
    await call('POST', '/users', { body: { id: 'pruned', groups: [{ id: 'a' }, { id: 'b' }] } });
    const bare = await call('POST', '/users', { body: { id: 'pruned', prune_memberships: true } });
    expect([bare.status, bare.body.error.message]).toEqual([
      400,
      'prune_memberships: needs the full groups or memberships list in the same request',
    ]);
    expect(strict.store.listMemberships({ user_id: 'pruned' })).toHaveLength(2);
    const listed = await call('POST', '/users', {
      body: { id: 'pruned', groups: [{ id: 'a' }], prune_memberships: true },
    });
    expect(listed.status).toBe(200);
    expect(strict.store.listMemberships({ user_id: 'pruned' }).map((m) => m.group_id)).toEqual(['a']);
  });

  it('keeps each choice an ordinary flag a caller can override', async () => {
    const mixed = await startSandbox({
      seed: 'none',
      profile: 'strict',
      flags: { eventUnknownSubject: 'create' },
    });
    try {
      const reply = await api(mixed.url)('POST', '/events', { body: { name: 'x', user_id: 'new' } });
      expect(reply.status).toBe(200);
      expect(mixed.flags.nameCharacters).toBe('strict');
    } finally {
      await mixed.close();
    }
  });
});

describe('onboarding sessions', () => {
  it('derive progress from the tasks done, and show per-task completion only under its flag', async () => {
    const seed = onboardingSeed({ now: NOW, sessions: 12, seed: 7 });
    const [hidden, shown] = await Promise.all([
      startSandbox({ seed, profile: 'strict', clock: () => NOW }),
      startSandbox({ seed, profile: 'strict', clock: () => NOW, flags: { sessionTaskCompletions: true } }),
    ]);
    try {
      const path = `/content_sessions?content_id=${ONBOARDING_CONTENT_ID}&limit=100`;
      const plain = (await api(hidden.url)('GET', path)).body.data;
      const detailed = (await api(shown.url)('GET', path)).body.data;
      expect(plain).toHaveLength(12);
      expect(plain.every((s: object) => !('task_completions' in s))).toBe(true);
      for (const session of detailed) {
        const done = session.task_completions.length;
        expect(session.progress).toBe(String(Math.round((done / 7) * 10_000) / 10_000));
        expect(session.completed).toBe(done === 7);
        const times = session.task_completions.map((t: { completed_at: string }) =>
          Date.parse(t.completed_at),
        );
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(times.every((t: number) => t >= Date.parse(session.created_at) && t <= NOW)).toBe(true);
      }
      expect(
        new Set(detailed.map((s: { task_completions: unknown[] }) => s.task_completions.length)).size,
      ).toBeGreaterThan(2);
    } finally {
      await Promise.all([hidden.close(), shown.close()]);
    }
  });

  it('reports a completion of a task the version does not have', async () => {
    const seed = onboardingSeed({ now: NOW, sessions: 1 });
    const session = seed.content_sessions?.[0];
    if (!session) throw new Error('one session');
    session.task_completions = [{ task_cvid: 'nope', completed_at: '2025-05-30T00:00:00Z' }];
    await expect(startSandbox({ seed })).rejects.toThrow(/task_completions: no task 'nope'/);
    expect(parseSeedDocument(seed, 'test').content_sessions).toHaveLength(1);
  });
});
