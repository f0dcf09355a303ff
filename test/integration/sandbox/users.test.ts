// Users over real HTTP: upsert merge, get, 404 envelope, list filters, ordering, pagination, expand.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../../lib/sandbox/index.ts';
import { api, type Reply } from './http.ts';

let sandbox: RunningSandbox;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  let clock = Date.parse('2025-01-01T00:00:00Z');
  // Each reading advances 1 s, so creation order is visible in created_at.
  sandbox = await startSandbox({ seed: 'none', clock: () => (clock += 1000) });
  call = api(sandbox.url);
  for (let i = 1; i <= 5; i++) {
    await call('POST', '/users', {
      body: { id: `page_${i}`, attributes: { email: `Page${i}@Example.org`, n: i } },
    });
  }
});
afterAll(() => sandbox.close());

describe('POST /users', () => {
  it('creates a user and answers with the user object, related fields null', async () => {
    const reply = await call('POST', '/users', { body: { id: 'new_user', attributes: { name: 'Ada' } } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: 'new_user', object: 'user', attributes: { name: 'Ada' } });
    expect(reply.body.memberships).toBeNull();
    expect(reply.body.groups).toBeNull();
    expect(reply.body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/);
  });

  it('merges attributes into an existing user and keeps the ones not mentioned', async () => {
    await call('POST', '/users', { body: { id: 'merge_me', attributes: { name: 'Bo', plan: 'trial' } } });
    const reply = await call('POST', '/users', { body: { id: 'merge_me', attributes: { plan: 'paid' } } });
    expect(reply.body.attributes).toEqual({ name: 'Bo', plan: 'paid' });
    expect(sandbox.store.getUser('merge_me')?.attributes).toEqual({ name: 'Bo', plan: 'paid' });
  });

  it('keeps created_at on update', async () => {
    const first = await call('POST', '/users', { body: { id: 'stable_created' } });
    const second = await call('POST', '/users', { body: { id: 'stable_created', attributes: { x: 1 } } });
    expect(second.body.created_at).toBe(first.body.created_at);
  });

  it('rejects a body without id', async () => {
    const reply = await call('POST', '/users', { body: { attributes: { name: 'x' } } });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: { code: 'invalid_params', message: 'id: is required' } });
  });

  it('rejects an unknown top-level field by default', async () => {
    const reply = await call('POST', '/users', { body: { id: 'x1', traits: { a: 1 } } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/^traits: /);
  });

  it('rejects a body that is not JSON', async () => {
    const response = await fetch(`${sandbox.url}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
      body: '{"id": ',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_params');
  });
});

describe('GET /users/{id}', () => {
  it('answers 404 in the error envelope for an unknown user', async () => {
    const reply = await call('GET', '/users/does-not-exist');
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      error: { code: 'not_found', message: "User with id 'does-not-exist' not found" },
    });
  });

  it('decodes URL-encoded ids', async () => {
    await call('POST', '/users', { body: { id: 'a/b c', attributes: {} } });
    const reply = await call('GET', `/users/${encodeURIComponent('a/b c')}`);
    expect(reply.status).toBe(200);
    expect(reply.body.id).toBe('a/b c');
  });

  it('expands memberships and groups on request', async () => {
    await call('POST', '/users', {
      body: { id: 'expand_me', groups: [{ id: 'expand_group', attributes: { name: 'G' } }] },
    });
    const plain = await call('GET', '/users/expand_me');
    expect(plain.body.memberships).toBeNull();
    const reply = await call('GET', '/users/expand_me?expand[]=memberships&expand[]=groups');
    expect(reply.body.memberships).toHaveLength(1);
    expect(reply.body.memberships[0]).toMatchObject({
      object: 'group_membership',
      group_id: 'expand_group',
      group: null,
    });
    expect(reply.body.groups).toMatchObject([
      { id: 'expand_group', object: 'group', attributes: { name: 'G' } },
    ]);
    const nested = await call('GET', '/users/expand_me?expand[]=memberships.group');
    expect(nested.body.memberships[0].group).toMatchObject({ id: 'expand_group' });
  });

  it('rejects an expand key the object does not have', async () => {
    const reply = await call('GET', '/users/expand_me?expand[]=answers');
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/^expand: /);
  });

  it('treats expand=a,b as one unknown key unless the comma flag is on', async () => {
    const reply = await call('GET', '/users/expand_me?expand=memberships,groups');
    expect(reply.status).toBe(400);
    const commas = await startSandbox({ seed: 'none', flags: { commaSeparatedArrays: true } });
    try {
      const c = api(commas.url);
      await c('POST', '/users', { body: { id: 'u', groups: [{ id: 'g' }] } });
      const ok = await c('GET', '/users/u?expand=memberships,groups');
      expect(ok.status).toBe(200);
      expect(ok.body.groups).toHaveLength(1);
      expect(ok.body.memberships).toHaveLength(1);
    } finally {
      await commas.close();
    }
  });
});

describe('GET /users', () => {
  const ids = (reply: { body: { data: { id: string }[] } }) => reply.body.data.map((u) => u.id);

  it('pages through every user with limit, has_more and next_page_url', async () => {
    const seen: string[] = [];
    let path: string | null = '/users?limit=2';
    let pages = 0;
    while (path) {
      const reply: Reply = await call('GET', path);
      expect(reply.status).toBe(200);
      expect(reply.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...ids(reply));
      expect(reply.body.has_more).toBe(reply.body.next_page_url !== null);
      path = reply.body.next_page_url;
      pages++;
    }
    const all = sandbox.store.listUsers().map((u) => u.id);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));
  });

  it('keeps filters and expands in next_page_url and puts the last id in starting_after', async () => {
    const reply = await call('GET', '/users?limit=1&expand[]=memberships&order_by=created_at');
    expect(reply.body.next_page_url).toBe(
      `/users?limit=1&expand[]=memberships&order_by=created_at&starting_after=${reply.body.data[0].id}`,
    );
  });

  it('follows starting_after from any user', async () => {
    const reply = await call('GET', '/users?limit=2&starting_after=page_2');
    expect(ids(reply)).toEqual(['page_3', 'page_4']);
  });

  it('orders descending with a leading minus', async () => {
    const reply = await call('GET', '/users?limit=3&order_by=-created_at&starting_after=page_4');
    expect(ids(reply)).toEqual(['page_3', 'page_2', 'page_1']);
  });

  it('filters by email, case-insensitively by default', async () => {
    const reply = await call('GET', '/users?email=page3@example.org');
    expect(ids(reply)).toEqual(['page_3']);
    expect(reply.body.has_more).toBe(false);
    const none = await call('GET', '/users?email=nobody@example.org');
    expect(none.body).toEqual({ data: [], has_more: false, next_page_url: null });
  });

  it('follows an email change in the filter', async () => {
    await call('POST', '/users', { body: { id: 'mover', attributes: { email: 'old@example.org' } } });
    await call('POST', '/users', { body: { id: 'mover', attributes: { email: 'new@example.org' } } });
    expect(ids(await call('GET', '/users?email=old@example.org'))).toEqual([]);
    expect(ids(await call('GET', '/users?email=new@example.org'))).toEqual(['mover']);
  });

  it('answers 400 invalid_params for an unknown starting_after id', async () => {
    const reply = await call('GET', '/users?starting_after=ghost');
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error: { code: 'invalid_params', message: "starting_after: User with id 'ghost' not found" },
    });
  });

  it('answers 400 for limit above 100, 0, or not a number', async () => {
    for (const limit of ['101', '0', 'ten']) {
      const reply = await call('GET', `/users?limit=${limit}`);
      expect(reply.status, limit).toBe(400);
      expect(reply.body.error.code).toBe('invalid_params');
      expect(reply.body.error.message).toMatch(/^limit: /);
    }
    expect((await call('GET', '/users?limit=100')).status).toBe(200);
  });

  it('clamps limit to 100 when the clamp flag is set', async () => {
    const users = Array.from({ length: 101 }, (_, i) => ({ id: `c${i}` }));
    const clamping = await startSandbox({ seed: { users }, flags: { limitOverMax: 'clamp' } });
    try {
      const c = api(clamping.url);
      const reply = await c('GET', '/users?limit=500');
      expect(reply.status).toBe(200);
      expect(reply.body.data).toHaveLength(100);
      expect(reply.body.has_more).toBe(true);
    } finally {
      await clamping.close();
    }
  });

  it('uses the default page size when limit is absent', async () => {
    const reply = await call('GET', '/users');
    expect(reply.body.data.length).toBe(Math.min(20, sandbox.store.listUsers().length));
  });

  it('rejects an order_by key the collection does not have', async () => {
    const reply = await call('GET', '/users?order_by=attributes.name');
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/^order_by: /);
  });

  it('ignores unknown query parameters by default, rejects them with the flag', async () => {
    expect((await call('GET', '/users?sort=asc')).status).toBe(200);
    const strict = await startSandbox({ seed: 'none', flags: { unknownQueryParams: 'reject' } });
    try {
      const reply = await api(strict.url)('GET', '/users?sort=asc');
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toBe('sort: unknown parameter');
    } finally {
      await strict.close();
    }
  });

  it('filters by attribute only behind the attributeFilters flag', async () => {
    const flagged = await startSandbox({ seed: 'none', flags: { attributeFilters: true } });
    try {
      const c = api(flagged.url);
      await c('POST', '/users', { body: { id: 'a', attributes: { stripe_customer_id: 'cus_1' } } });
      await c('POST', '/users', { body: { id: 'b', attributes: { stripe_customer_id: 'cus_2' } } });
      const reply = await c('GET', '/users?attributes.stripe_customer_id=cus_2');
      expect(ids(reply)).toEqual(['b']);
    } finally {
      await flagged.close();
    }
  });
});
