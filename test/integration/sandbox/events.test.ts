// POST /events and event definitions over real HTTP, including the flags for unknown subjects and `time`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../../lib/sandbox/index.ts';
import { api } from './http.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');
let sandbox: RunningSandbox;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'none', clock: () => NOW, profile: 'lenient' }); // the documented defaults; strict is tested in profiles.test.ts
  call = api(sandbox.url);
  await call('POST', '/users', { body: { id: 'tracker' } });
  await call('POST', '/groups', { body: { id: 'tracked_group' } });
});
afterAll(() => sandbox.close());

describe('POST /events', () => {
  it('tracks an event for a user and answers with the event object', async () => {
    const reply = await call('POST', '/events', {
      body: { name: 'report_exported', user_id: 'tracker', attributes: { format: 'csv', rows: 1200 } },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      object: 'event',
      name: 'report_exported',
      attributes: { format: 'csv', rows: 1200 },
      user_id: 'tracker',
      user: null,
      group_id: null,
      group: null,
      time: '2025-06-01T12:00:00.000+00:00',
      created_at: '2025-06-01T12:00:00.000+00:00',
    });
    expect(reply.body.id).toMatch(/^\d+$/);
  });

  it('tracks for a group alone, and for both', async () => {
    const groupOnly = await call('POST', '/events', { body: { name: 'g_only', group_id: 'tracked_group' } });
    expect(groupOnly.body).toMatchObject({ user_id: null, group_id: 'tracked_group' });
    const both = await call('POST', '/events', {
      body: { name: 'both', user_id: 'tracker', group_id: 'tracked_group' },
    });
    expect(both.body).toMatchObject({ user_id: 'tracker', group_id: 'tracked_group' });
    expect(sandbox.store.listEvents({ group_id: 'tracked_group' }).map((e) => e.name)).toEqual([
      'g_only',
      'both',
    ]);
  });

  it('is not idempotent: the same body twice records two events', async () => {
    const body = { name: 'twice', user_id: 'tracker' };
    const a = await call('POST', '/events', { body });
    const b = await call('POST', '/events', { body });
    expect(a.body.id).not.toBe(b.body.id);
    expect(sandbox.store.listEvents({ user_id: 'tracker', name: 'twice' })).toHaveLength(2);
  });

  it('needs a name and at least one of user_id and group_id', async () => {
    const noName = await call('POST', '/events', { body: { user_id: 'tracker' } });
    expect(noName.body.error).toEqual({ code: 'invalid_params', message: 'name: is required' });
    const noSubject = await call('POST', '/events', { body: { name: 'orphan' } });
    expect(noSubject.status).toBe(400);
    expect(noSubject.body.error.message).toMatch(/^user_id: /);
  });

  it('accepts literals and {set, data_type} but no other operation in event attributes', async () => {
    const ok = await call('POST', '/events', {
      body: {
        name: 'typed',
        user_id: 'tracker',
        attributes: { n: { set: '5', data_type: 'number' }, tags: ['a'] },
      },
    });
    expect(ok.body.attributes).toEqual({ n: 5, tags: ['a'] });
    const bad = await call('POST', '/events', {
      body: { name: 'typed', user_id: 'tracker', attributes: { n: { add: 1 } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^attributes\.n: operation 'add'/);
  });

  it('back-dates with time by default; ignores time with eventTimeSettable off', async () => {
    const dated = await call('POST', '/events', {
      body: { name: 'old', user_id: 'tracker', time: '2024-01-02T03:04:05Z' },
    });
    expect(dated.body.time).toBe('2024-01-02T03:04:05.000+00:00');
    expect(dated.body.created_at).toBe('2025-06-01T12:00:00.000+00:00');
    const badTime = await call('POST', '/events', {
      body: { name: 'old', user_id: 'tracker', time: 'yesterday' },
    });
    expect(badTime.body.error.message).toBe('time: must be an ISO 8601 datetime');

    const fixed = await startSandbox({ seed: 'none', clock: () => NOW, flags: { eventTimeSettable: false } });
    try {
      const reply = await api(fixed.url)('POST', '/events', {
        body: { name: 'old', user_id: 'u', time: '2024-01-02T03:04:05Z' },
      });
      expect(reply.body.time).toBe('2025-06-01T12:00:00.000+00:00');
    } finally {
      await fixed.close();
    }
  });

  it('creates an unknown user by default; answers 404 with eventUnknownSubject reject', async () => {
    await call('POST', '/events', { body: { name: 'first_touch', user_id: 'stranger' } });
    expect(sandbox.store.getUser('stranger')).toMatchObject({ id: 'stranger', attributes: {} });

    const strict = await startSandbox({ seed: 'none', flags: { eventUnknownSubject: 'reject' } });
    try {
      const reply = await api(strict.url)('POST', '/events', { body: { name: 'x', user_id: 'stranger' } });
      expect(reply.status).toBe(404);
      expect(reply.body.error).toEqual({ code: 'not_found', message: "User with id 'stranger' not found" });
      expect(strict.store.listEvents()).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});

describe('GET /event_definitions', () => {
  it('lists each tracked name once, in first-tracked order', async () => {
    const reply = await call('GET', '/event_definitions?limit=100');
    const names = reply.body.data.map((d: { name: string }) => d.name);
    expect(names.slice(0, 3)).toEqual(['report_exported', 'g_only', 'both']);
    expect(new Set(names).size).toBe(names.length);
    expect(reply.body.data[0]).toMatchObject({
      object: 'event_definition',
      name: 'report_exported',
      display_name: 'Report exported',
      description: null,
    });
  });

  it('orders by display_name descending', async () => {
    const reply = await call('GET', '/event_definitions?order_by=-display_name&limit=100');
    const names = reply.body.data.map((d: { display_name: string }) => d.display_name);
    expect(names).toEqual([...names].sort().reverse());
  });
});
