// Every attribute change operation through POST /users and POST /groups, and the definitions they create.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../../lib/sandbox/index.ts';
import { api } from './http.ts';

let sandbox: RunningSandbox;
let call: ReturnType<typeof api>;
let n = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'none' });
  call = api(sandbox.url);
});
afterAll(() => sandbox.close());

/** Creates a fresh user with `before`, applies `change`, returns the resulting attributes. */
async function apply(before: Record<string, unknown>, change: Record<string, unknown>) {
  const id = `attr_${++n}`;
  await call('POST', '/users', { body: { id, attributes: before } });
  const reply = await call('POST', '/users', { body: { id, attributes: change } });
  expect(reply.status).toBe(200);
  return reply.body.attributes;
}

describe('attribute change operations', () => {
  it('set and a literal both replace the value', async () => {
    expect(await apply({ a: 'x', b: 'y' }, { a: { set: 'z' }, b: 'w' })).toEqual({ a: 'z', b: 'w' });
  });

  it('set_once writes only when the attribute has never been set', async () => {
    expect(await apply({ a: 'first' }, { a: { set_once: 'second' }, b: { set_once: 'new' } })).toEqual({
      a: 'first',
      b: 'new',
    });
  });

  it('add and subtract change numbers, accept numeric strings and start from 0', async () => {
    expect(
      await apply(
        { a: 10, b: 10 },
        { a: { add: 5 }, b: { subtract: '3' }, c: { add: 2 }, d: { subtract: 1 } },
      ),
    ).toEqual({ a: 15, b: 7, c: 2, d: -1 });
  });

  it('add rejects a value that is not a number', async () => {
    await call('POST', '/users', { body: { id: 'not_a_number' } });
    const reply = await call('POST', '/users', {
      body: { id: 'not_a_number', attributes: { a: { add: 'lots' } } },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toEqual({
      code: 'invalid_params',
      message: 'attributes.a.add: must be a number',
    });
  });

  it('append and prepend add one value or several, turning a string into a list', async () => {
    expect(
      await apply(
        { list: ['b'], text: 'solo' },
        { list: { append: ['c', 'd'] }, text: { append: 'more' }, fresh: { prepend: 'x' } },
      ),
    ).toEqual({ list: ['b', 'c', 'd'], text: ['solo', 'more'], fresh: ['x'] });
    expect(await apply({ list: ['b'] }, { list: { prepend: ['y', 'z'] } })).toEqual({
      list: ['y', 'z', 'b'],
    });
  });

  it('append keeps duplicates unless listOpsDedupe is set', async () => {
    expect(await apply({ list: ['a'] }, { list: { append: 'a' } })).toEqual({ list: ['a', 'a'] });
    const deduping = await startSandbox({ seed: 'none', flags: { listOpsDedupe: true } });
    try {
      const c = api(deduping.url);
      await c('POST', '/users', { body: { id: 'u', attributes: { list: ['a'] } } });
      const reply = await c('POST', '/users', {
        body: { id: 'u', attributes: { list: { append: ['a', 'b'] } } },
      });
      expect(reply.body.attributes.list).toEqual(['a', 'b']);
    } finally {
      await deduping.close();
    }
  });

  it('remove takes every occurrence of the given values out of a list', async () => {
    expect(await apply({ list: ['a', 'b', 'a', 'c'] }, { list: { remove: ['a', 'c'] } })).toEqual({
      list: ['b'],
    });
  });

  it('data_type forces the stored type', async () => {
    expect(
      await apply(
        {},
        {
          n: { set: '42', data_type: 'number' },
          s: { set: 42, data_type: 'string' },
          b: { set: 'true', data_type: 'boolean' },
          d: { set: '2024-03-02T09:15:00Z', data_type: 'datetime' },
          l: { set: 'one', data_type: 'list' },
        },
      ),
    ).toEqual({ n: 42, s: '42', b: true, d: '2024-03-02T09:15:00.000+00:00', l: ['one'] });
  });

  it('data_type rejects a value it cannot convert', async () => {
    await call('POST', '/users', { body: { id: 'bad_type' } });
    const reply = await call('POST', '/users', {
      body: { id: 'bad_type', attributes: { n: { set: 'abc', data_type: 'number' } } },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe('attributes.n: must be a number');
  });

  it('normalises ISO 8601 datetimes to Userflow’s format', async () => {
    expect(await apply({}, { signed_up_at: '2024-03-02T09:15:00Z' })).toEqual({
      signed_up_at: '2024-03-02T09:15:00.000+00:00',
    });
  });

  it('null clears an attribute by default and is stored with nullClears off', async () => {
    expect(await apply({ a: 1, b: 2 }, { a: null })).toEqual({ b: 2 });
    const keeping = await startSandbox({ seed: 'none', flags: { nullClears: false } });
    try {
      const c = api(keeping.url);
      await c('POST', '/users', { body: { id: 'u', attributes: { a: 1 } } });
      const reply = await c('POST', '/users', { body: { id: 'u', attributes: { a: null } } });
      expect(reply.body.attributes).toEqual({ a: null });
    } finally {
      await keeping.close();
    }
  });

  it('rejects an unknown operation, two operations at once and nested objects', async () => {
    await call('POST', '/users', { body: { id: 'bad_ops' } });
    for (const attributes of [
      { a: { unset: true } },
      { a: { set: 1, add: 1 } },
      { a: { set: { deep: 1 } } },
    ]) {
      const reply = await call('POST', '/users', { body: { id: 'bad_ops', attributes } });
      expect(reply.status, JSON.stringify(attributes)).toBe(400);
      expect(reply.body.error.message).toMatch(/^attributes\.a/);
    }
  });

  it('applies the same operations to group attributes', async () => {
    await call('POST', '/groups', { body: { id: 'g_ops', attributes: { seats: 3, tags: ['a'] } } });
    const reply = await call('POST', '/groups', {
      body: {
        id: 'g_ops',
        attributes: { seats: { add: 2 }, tags: { append: 'b' }, plan: { set_once: 'pro' } },
      },
    });
    expect(reply.body).toMatchObject({
      object: 'group',
      attributes: { seats: 5, tags: ['a', 'b'], plan: 'pro' },
    });
  });
});

describe('attribute definitions', () => {
  it('appear on first write with the inferred data type and the right scope', async () => {
    await call('POST', '/users', {
      body: {
        id: 'def_user',
        attributes: { def_s: 'x', def_n: 1, def_b: true, def_d: '2024-01-01T00:00:00Z', def_l: ['a'] },
        memberships: [
          { attributes: { def_role: 'owner' }, group: { id: 'def_group', attributes: { def_plan: 'pro' } } },
        ],
      },
    });
    await call('POST', '/events', {
      body: { name: 'def_event', user_id: 'def_user', attributes: { def_format: 'csv' } },
    });
    const reply = await call('GET', '/attribute_definitions?limit=100');
    const byName = Object.fromEntries(
      reply.body.data.map((d: { name: string; scope: string; data_type: string }) => [
        d.name,
        [d.scope, d.data_type],
      ]),
    );
    expect(byName).toMatchObject({
      def_s: ['user', 'string'],
      def_n: ['user', 'number'],
      def_b: ['user', 'boolean'],
      def_d: ['user', 'datetime'],
      def_l: ['user', 'list'],
      def_role: ['group_membership', 'string'],
      def_plan: ['group', 'string'],
      def_format: ['event', 'string'],
    });
    expect(reply.body.data[0]).toMatchObject({ object: 'attribute_definition', description: null });
  });

  it('filter by scope and reject an unknown scope', async () => {
    const reply = await call('GET', '/attribute_definitions?scope=group&limit=100');
    expect(reply.body.data.length).toBeGreaterThan(0);
    expect(reply.body.data.every((d: { scope: string }) => d.scope === 'group')).toBe(true);
    const bad = await call('GET', '/attribute_definitions?scope=account');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^scope: /);
  });

  it('switch to list when a string attribute receives a list operation', async () => {
    await call('POST', '/users', { body: { id: 'to_list', attributes: { switcher: 'one' } } });
    await call('POST', '/users', { body: { id: 'to_list', attributes: { switcher: { append: 'two' } } } });
    const defs = sandbox.store
      .listAttributeDefinitions({ scope: 'user' })
      .filter((d) => d.name === 'switcher');
    expect(defs).toHaveLength(1);
    expect(defs[0]?.data_type).toBe('list');
  });

  it('order by name and page with starting_after', async () => {
    const first = await call('GET', '/attribute_definitions?order_by=name&limit=2');
    const names = first.body.data.map((d: { name: string }) => d.name);
    expect(names).toEqual([...names].sort());
    const next = await call('GET', first.body.next_page_url);
    expect(next.body.data[0].name >= names[1]).toBe(true);
  });

  it('end a sorted listing that fills its last page exactly with has_more false and no next_page_url', async () => {
    const defs = await startSandbox({
      seed: {
        event_definitions: [
          { id: 'ev_d', name: 'delta' },
          { id: 'ev_a', name: 'alpha' },
          { id: 'ev_c', name: 'charlie' },
          { id: 'ev_b', name: 'bravo' },
        ],
      },
    });
    try {
      const get = api(defs.url);
      const page = async (path: string) => {
        const reply = await get('GET', path);
        expect(reply.status).toBe(200);
        const { data, has_more, next_page_url } = reply.body;
        return { ids: data.map((d: { id: string }) => d.id), has_more, next_page_url };
      };
      expect(await page('/event_definitions?order_by=name&limit=2')).toEqual({
        ids: ['ev_a', 'ev_b'],
        has_more: true,
        next_page_url: '/event_definitions?order_by=name&limit=2&starting_after=ev_b',
      });
      expect(await page('/event_definitions?order_by=name&limit=2&starting_after=ev_b')).toEqual({
        ids: ['ev_c', 'ev_d'],
        has_more: false,
        next_page_url: null,
      });
      expect(await page('/event_definitions?order_by=-name&limit=4')).toEqual({
        ids: ['ev_d', 'ev_c', 'ev_b', 'ev_a'],
        has_more: false,
        next_page_url: null,
      });
    } finally {
      await defs.close();
    }
  });
});
