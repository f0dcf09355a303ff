import { describe, expect, it } from 'vitest';
import { type LookupStrategy, UserLookupResolver } from '../../../lib/deliver/user-lookup.ts';
import { fakeTime } from './fake-time.ts';
import { type FakeUser, fakeUserflow } from './fake-userflow.ts';

function setup(strategy: LookupStrategy, users: FakeUser[], attributeFilters = false) {
  const fake = fakeUserflow({ users, attributeFilters });
  const time = fakeTime();
  const ignored: string[] = [];
  const resolver = new UserLookupResolver({
    strategy,
    ttlMs: 60_000,
    clock: time.clock,
    onFilterIgnored: (attribute) => ignored.push(attribute),
  });
  const list = (params: Parameters<typeof fake.client.listUsers>[0]) => fake.client.listUsers(params);
  return { ...fake, time, resolver, list, ignored };
}

const many = (n: number): FakeUser[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `u${String(i).padStart(4, '0')}`,
    attributes: { cus: `cus_${i}` },
  }));

describe('UserLookupResolver', () => {
  it('finds a user by email with the email filter', async () => {
    const { resolver, list, callsOf } = setup('scan', [
      { id: 'u1', attributes: { email: 'ada@example.com' } },
    ]);
    expect(await resolver.resolve({ attribute: 'email', value: 'ada@example.com' }, list)).toBe('u1');
    expect(callsOf('listUsers')[0]?.args[0]).toMatchObject({ email: 'ada@example.com' });
  });

  it('serves a found id from the cache until the TTL passes', async () => {
    const { resolver, list, callsOf, time } = setup('scan', [{ id: 'u1', attributes: { email: 'a@b.c' } }]);
    const key = { attribute: 'email', value: 'a@b.c' };
    await resolver.resolve(key, list);
    await resolver.resolve(key, list);
    expect(callsOf('listUsers')).toHaveLength(1);
    time.advance(60_001);
    await resolver.resolve(key, list);
    expect(callsOf('listUsers')).toHaveLength(2);
  });

  it('does not cache a miss: a user created a moment later is found', async () => {
    const { resolver, list, users } = setup('query', [], true);
    const key = { attribute: 'cus', value: 'cus_1' };
    expect(await resolver.resolve(key, list)).toBeUndefined();
    users.set('u1', { id: 'u1', attributes: { cus: 'cus_1' } });
    expect(await resolver.resolve(key, list)).toBe('u1');
  });

  it('query: uses the attribute filter when the server honours it', async () => {
    const { resolver, list, callsOf, ignored } = setup('query', many(250), true);
    expect(await resolver.resolve({ attribute: 'cus', value: 'cus_201' }, list)).toBe('u0201');
    expect(callsOf('listUsers')).toHaveLength(1);
    expect(callsOf('listUsers')[0]?.args[0]).toMatchObject({ query: { 'attributes.cus': 'cus_201' } });
    expect(ignored).toEqual([]);
  });

  it('query: falls back to a scan, once and for good, when the server ignores the filter', async () => {
    const { resolver, list, callsOf, ignored } = setup('query', many(250), false);
    expect(await resolver.resolve({ attribute: 'cus', value: 'cus_201' }, list)).toBe('u0201');
    // One filtered try, then three pages of 100.
    expect(callsOf('listUsers')).toHaveLength(4);
    expect(ignored).toEqual(['cus']);
    // The scanned index answers the next value without another call.
    expect(await resolver.resolve({ attribute: 'cus', value: 'cus_7' }, list)).toBe('u0007');
    expect(callsOf('listUsers')).toHaveLength(4);
  });

  it('scan: indexes every page and rescans after the TTL', async () => {
    const { resolver, list, callsOf, time } = setup('scan', many(150));
    expect(await resolver.resolve({ attribute: 'cus', value: 'cus_149' }, list)).toBe('u0149');
    expect(await resolver.resolve({ attribute: 'cus', value: 'cus_nope' }, list)).toBeUndefined();
    expect(callsOf('listUsers')).toHaveLength(2);
    time.advance(60_001);
    await resolver.resolve({ attribute: 'cus', value: 'cus_nope' }, list);
    expect(callsOf('listUsers')).toHaveLength(4);
  });

  it('scan: a value missing from an index older than 10 s triggers one fresh scan', async () => {
    const { resolver, list, callsOf, time, users } = setup('scan', many(50));
    expect(await resolver.resolve({ attribute: 'cus', value: 'cus_new' }, list)).toBeUndefined();
    users.set('u9999', { id: 'u9999', attributes: { cus: 'cus_new' } });
    // A fresh index answers a miss from what it holds.
    expect(await resolver.resolve({ attribute: 'cus', value: 'cus_new' }, list)).toBeUndefined();
    expect(callsOf('listUsers')).toHaveLength(1);
    time.advance(10_001);
    expect(await resolver.resolve({ attribute: 'cus', value: 'cus_new' }, list)).toBe('u9999');
    expect(callsOf('listUsers')).toHaveLength(2);
  });

  it('matches numbers and strings by their text', async () => {
    const { resolver, list } = setup('scan', [{ id: 'u1', attributes: { account: 42 } }]);
    expect(await resolver.resolve({ attribute: 'account', value: '42' }, list)).toBe('u1');
  });

  it('refuses to choose between two users with the same value', async () => {
    const { resolver, list } = setup('scan', [
      { id: 'u1', attributes: { cus: 'dup' } },
      { id: 'u2', attributes: { cus: 'dup' } },
    ]);
    await expect(resolver.resolve({ attribute: 'cus', value: 'dup' }, list)).rejects.toMatchObject({
      code: 'lookup_ambiguous',
      retryable: false,
    });
  });

  it('forget drops a cached id', async () => {
    const { resolver, list, callsOf } = setup('scan', [{ id: 'u1', attributes: { email: 'a@b.c' } }]);
    const key = { attribute: 'email', value: 'a@b.c' };
    await resolver.resolve(key, list);
    resolver.forget(key);
    await resolver.resolve(key, list);
    expect(callsOf('listUsers')).toHaveLength(2);
  });
});
