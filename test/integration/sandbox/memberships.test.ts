// Groups, memberships and cascading deletes over real HTTP.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../../lib/sandbox/index.ts';
import { api } from './http.ts';

let sandbox: RunningSandbox;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'none', profile: 'lenient' }); // the documented defaults; strict is tested in profiles.test.ts
  call = api(sandbox.url);
});
afterAll(() => sandbox.close());

const groupIds = (userId: string) =>
  sandbox.store.listMemberships({ user_id: userId }).map((m) => m.group_id);

describe('groups', () => {
  it('upserts, gets, lists and expands members', async () => {
    const created = await call('POST', '/groups', { body: { id: 'acme', attributes: { name: 'Acme' } } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: 'acme',
      object: 'group',
      attributes: { name: 'Acme' },
      users: null,
    });
    await call('POST', '/users', { body: { id: 'acme_user', groups: [{ id: 'acme' }] } });
    const got = await call('GET', '/groups/acme?expand[]=memberships&expand[]=users');
    expect(got.body.memberships).toMatchObject([{ user_id: 'acme_user', group_id: 'acme' }]);
    expect(got.body.users).toMatchObject([{ id: 'acme_user', object: 'user' }]);
    const list = await call('GET', '/groups?limit=100');
    expect(list.body.data.map((g: { id: string }) => g.id)).toContain('acme');
    expect((await call('GET', '/groups/nope')).body).toEqual({
      error: { code: 'not_found', message: "Group with id 'nope' not found" },
    });
  });
});

describe('memberships through POST /users', () => {
  it('groups upserts each group and makes the user a member', async () => {
    await call('POST', '/users', {
      body: { id: 'joiner', groups: [{ id: 'g_a', attributes: { plan: 'pro' } }, { id: 'g_b' }] },
    });
    expect(groupIds('joiner')).toEqual(['g_a', 'g_b']);
    expect(sandbox.store.getGroup('g_a')?.attributes).toEqual({ plan: 'pro' });
  });

  it('memberships carries membership attributes and merges them on the next call', async () => {
    await call('POST', '/users', {
      body: { id: 'member', memberships: [{ attributes: { role: 'owner', seat: 1 }, group: { id: 'g_m' } }] },
    });
    await call('POST', '/users', {
      body: { id: 'member', memberships: [{ attributes: { role: 'admin' }, group: { id: 'g_m' } }] },
    });
    expect(sandbox.store.getMembership('member', 'g_m')?.attributes).toEqual({ role: 'admin', seat: 1 });
  });

  it('the groups form leaves existing membership attributes alone', async () => {
    await call('POST', '/users', {
      body: { id: 'keeps_role', memberships: [{ attributes: { role: 'owner' }, group: { id: 'g_k' } }] },
    });
    await call('POST', '/users', {
      body: { id: 'keeps_role', groups: [{ id: 'g_k', attributes: { x: 1 } }] },
    });
    expect(sandbox.store.getMembership('keeps_role', 'g_k')?.attributes).toEqual({ role: 'owner' });
  });

  it('groups and memberships together are a 400 that writes nothing', async () => {
    const reply = await call('POST', '/users', {
      body: {
        id: 'both',
        attributes: { a: 1 },
        groups: [{ id: 'g_x' }],
        memberships: [{ group: { id: 'g_y' } }],
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('invalid_params');
    expect(reply.body.error.message).toMatch(/^memberships: /);
    expect(sandbox.store.getUser('both')).toBeUndefined();
    expect(sandbox.store.getGroup('g_x')).toBeUndefined();
  });

  it('a membership without a group id is a 400 naming the field', async () => {
    const reply = await call('POST', '/users', { body: { id: 'no_gid', memberships: [{ group: {} }] } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe('memberships[0].group.id: is required');
  });

  it('a bad attribute deep in the request leaves the user untouched', async () => {
    await call('POST', '/users', { body: { id: 'atomic', attributes: { a: 1 } } });
    const reply = await call('POST', '/users', {
      body: {
        id: 'atomic',
        attributes: { a: 2 },
        groups: [{ id: 'g_atomic', attributes: { n: { add: 'x' } } }],
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe('groups[0].attributes.n.add: must be a number');
    expect(sandbox.store.getUser('atomic')?.attributes).toEqual({ a: 1 });
    expect(sandbox.store.getGroup('g_atomic')).toBeUndefined();
  });

  it('prune_memberships removes the memberships not listed', async () => {
    await call('POST', '/users', {
      body: { id: 'pruned', groups: [{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }] },
    });
    await call('POST', '/users', { body: { id: 'pruned', groups: [{ id: 'p2' }], prune_memberships: true } });
    expect(groupIds('pruned')).toEqual(['p2']);
    expect(sandbox.store.getGroup('p1')).toBeDefined();
  });

  it('without prune_memberships, unlisted memberships stay', async () => {
    await call('POST', '/users', { body: { id: 'unpruned', groups: [{ id: 'q1' }, { id: 'q2' }] } });
    await call('POST', '/users', { body: { id: 'unpruned', groups: [{ id: 'q2' }] } });
    expect(groupIds('unpruned')).toEqual(['q1', 'q2']);
  });
});

describe('DELETE /group_memberships', () => {
  it('removes the membership named by user_id and group_id, keeping user and group', async () => {
    await call('POST', '/users', { body: { id: 'leaver', groups: [{ id: 'left' }, { id: 'stayed' }] } });
    const reply = await call('DELETE', '/group_memberships?user_id=leaver&group_id=left');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      object: 'group_membership',
      user_id: 'leaver',
      group_id: 'left',
      deleted: true,
    });
    expect(groupIds('leaver')).toEqual(['stayed']);
    expect(sandbox.store.getGroup('left')).toBeDefined();
  });

  it('succeeds when the user is not a member', async () => {
    const reply = await call('DELETE', '/group_memberships?user_id=leaver&group_id=never');
    expect(reply.status).toBe(200);
  });

  it('requires both ids', async () => {
    const reply = await call('DELETE', '/group_memberships?user_id=leaver');
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe('group_id: is required');
  });

  it('also reads the ids from a JSON body', async () => {
    await call('POST', '/users', { body: { id: 'body_leaver', groups: [{ id: 'body_group' }] } });
    const reply = await call('DELETE', '/group_memberships', {
      body: { user_id: 'body_leaver', group_id: 'body_group' },
    });
    expect(reply.status).toBe(200);
    expect(groupIds('body_leaver')).toEqual([]);
  });
});

describe('cascading deletes', () => {
  it('deleting a user removes their memberships, events and content sessions, not their groups', async () => {
    await call('POST', '/users', { body: { id: 'doomed', groups: [{ id: 'survivor_group' }] } });
    await call('POST', '/events', { body: { name: 'did', user_id: 'doomed', group_id: 'survivor_group' } });
    const reply = await call('DELETE', '/users/doomed');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ id: 'doomed', object: 'user', deleted: true });
    expect(sandbox.store.getUser('doomed')).toBeUndefined();
    expect(sandbox.store.listMemberships({ group_id: 'survivor_group' })).toEqual([]);
    expect(sandbox.store.listEvents({ user_id: 'doomed' })).toEqual([]);
    expect(sandbox.store.getGroup('survivor_group')).toBeDefined();
    expect((await call('GET', '/users/doomed')).status).toBe(404);
  });

  it('deleting a group removes its memberships and events, not its members', async () => {
    await call('POST', '/users', {
      body: { id: 'orphan', groups: [{ id: 'doomed_group' }, { id: 'other_group' }] },
    });
    await call('POST', '/events', { body: { name: 'grouped', group_id: 'doomed_group' } });
    await call('POST', '/events', { body: { name: 'personal', user_id: 'orphan' } });
    expect((await call('DELETE', '/groups/doomed_group')).status).toBe(200);
    expect(sandbox.store.getUser('orphan')).toBeDefined();
    expect(groupIds('orphan')).toEqual(['other_group']);
    expect(sandbox.store.listEvents({ group_id: 'doomed_group' })).toEqual([]);
    expect(sandbox.store.listEvents({ user_id: 'orphan' }).map((e) => e.name)).toEqual(['personal']);
  });

  it('deletes are idempotent by default and 404 with the deleteMissing flag', async () => {
    expect((await call('DELETE', '/users/never_existed')).status).toBe(200);
    expect((await call('DELETE', '/groups/never_existed')).status).toBe(200);
    const strict = await startSandbox({ seed: 'none', flags: { deleteMissing: '404' } });
    try {
      const reply = await api(strict.url)('DELETE', '/users/never_existed');
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('not_found');
    } finally {
      await strict.close();
    }
  });

  it('answers 204 with no body when deleteResponse is empty', async () => {
    const empty = await startSandbox({ seed: 'none', flags: { deleteResponse: 'empty' } });
    try {
      const c = api(empty.url);
      await c('POST', '/users', { body: { id: 'u' } });
      const reply = await c('DELETE', '/users/u');
      expect(reply.status).toBe(204);
      expect(reply.body).toBeUndefined();
    } finally {
      await empty.close();
    }
  });
});
