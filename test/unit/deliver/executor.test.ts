import { describe, expect, it } from 'vitest';
import { type Command, command as commandSchema } from '../../../lib/commands/index.ts';
import { DeliveryError } from '../../../lib/deliver/errors.ts';
import { type DeleteNotFound, type EffectivelyOnce, executeCommand } from '../../../lib/deliver/executor.ts';
import { UserLookupResolver } from '../../../lib/deliver/user-lookup.ts';
import { fakeTime } from './fake-time.ts';
import { type FakeUserflowOptions, fakeUserflow } from './fake-userflow.ts';

/** Remembers delivered keys in memory, as the idempotency store does. */
function memoryOnce(): EffectivelyOnce {
  const done = new Set<string>();
  return async (key, deliver) => {
    if (done.has(key)) return { replayed: true };
    await deliver();
    done.add(key);
    return { replayed: false };
  };
}

function setup(options: FakeUserflowOptions & { deleteNotFound?: DeleteNotFound } = {}) {
  const fake = fakeUserflow(options);
  const time = fakeTime();
  const lookup = new UserLookupResolver({ strategy: 'scan', ttlMs: 60_000, clock: time.clock });
  const once = memoryOnce();
  const run = (input: unknown, commandId = 'cmd_1') =>
    executeCommand(commandSchema.parse(input) as Command, {
      client: fake.client,
      call: (_action, call) => call(),
      lookup,
      once,
      commandId,
      deleteNotFound: options.deleteNotFound ?? 'gone',
    });
  return { ...fake, run };
}

describe('executeCommand', () => {
  it('upsert_user sends the attributes and groups in one create-or-update', async () => {
    const { run, calls } = setup();
    const result = await run({
      type: 'upsert_user',
      user_id: 'u1',
      attributes: { plan: 'pro', logins: { add: 1 } },
      groups: [{ id: 'g1', attributes: { name: 'Acme' } }],
    });
    expect(result).toEqual({ outcome: 'delivered' });
    expect(calls).toEqual([
      {
        method: 'createOrUpdateUser',
        args: [
          {
            id: 'u1',
            attributes: { plan: 'pro', logins: { add: 1 } },
            groups: [{ id: 'g1', attributes: { name: 'Acme' } }],
          },
        ],
      },
    ]);
  });

  it('upsert_group creates or updates the group', async () => {
    const { run, calls } = setup();
    await run({ type: 'upsert_group', group_id: 'g1', attributes: { plan: 'pro' } });
    expect(calls).toEqual([
      { method: 'createOrUpdateGroup', args: [{ id: 'g1', attributes: { plan: 'pro' } }] },
    ]);
  });

  it('add_membership without membership attributes uses the upsert’s groups', async () => {
    const { run, calls } = setup();
    await run({ type: 'add_membership', user_id: 'u1', group_id: 'g1', group_attributes: { name: 'Acme' } });
    expect(calls[0]?.args[0]).toEqual({ id: 'u1', groups: [{ id: 'g1', attributes: { name: 'Acme' } }] });
  });

  it('add_membership with membership attributes uses the upsert’s memberships', async () => {
    const { run, calls } = setup();
    await run({
      type: 'add_membership',
      user_id: 'u1',
      group_id: 'g1',
      membership_attributes: { role: 'admin' },
    });
    expect(calls[0]?.args[0]).toEqual({
      id: 'u1',
      memberships: [{ attributes: { role: 'admin' }, group: { id: 'g1' } }],
    });
  });

  it('remove_membership deletes the pair', async () => {
    const { run, calls } = setup();
    await run({ type: 'remove_membership', user_id: 'u1', group_id: 'g1' });
    expect(calls).toEqual([{ method: 'removeMembership', args: [{ user_id: 'u1', group_id: 'g1' }] }]);
  });

  it('track_event sends name, subject, attributes and time', async () => {
    const { run, calls } = setup();
    await run({
      type: 'track_event',
      user_id: 'u1',
      group_id: 'g1',
      name: 'paid',
      attributes: { amount: 10 },
      time: '2026-01-01T00:00:00Z',
    });
    expect(calls).toEqual([
      {
        method: 'trackEvent',
        args: [
          {
            name: 'paid',
            user_id: 'u1',
            group_id: 'g1',
            attributes: { amount: 10 },
            time: '2026-01-01T00:00:00Z',
          },
        ],
      },
    ]);
  });

  it('track_event is delivered once per command id', async () => {
    const { run, callsOf } = setup();
    const event = { type: 'track_event', user_id: 'u1', name: 'paid' };
    expect(await run(event, 'cmd_a')).toEqual({ outcome: 'delivered' });
    expect(await run(event, 'cmd_a')).toEqual({ outcome: 'duplicate' });
    expect(await run(event, 'cmd_b')).toEqual({ outcome: 'delivered' });
    expect(callsOf('trackEvent')).toHaveLength(2);
  });

  it('delete_user and delete_group call their deletes', async () => {
    const { run, calls } = setup({ users: [{ id: 'u1', attributes: {} }], groups: ['g1'] });
    await run({ type: 'delete_user', user_id: 'u1' });
    await run({ type: 'delete_group', group_id: 'g1' });
    expect(calls.map((c) => [c.method, c.args[0]])).toEqual([
      ['deleteUser', 'u1'],
      ['deleteGroup', 'g1'],
    ]);
  });

  it('a 404 on a delete counts as already gone by default', async () => {
    const { run } = setup({ deleteMissing404: true });
    expect(await run({ type: 'delete_user', user_id: 'ghost' })).toEqual({ outcome: 'already_gone' });
  });

  it('a 404 on a delete fails when the flag says so', async () => {
    const { run } = setup({ deleteMissing404: true, deleteNotFound: 'fail' });
    await expect(run({ type: 'delete_group', group_id: 'ghost' })).rejects.toMatchObject({ status: 404 });
  });

  it('resolves a user lookup before writing', async () => {
    const { run, callsOf } = setup({ users: [{ id: 'u7', attributes: { stripe_customer_id: 'cus_7' } }] });
    await run({
      type: 'upsert_user',
      user_lookup: { attribute: 'stripe_customer_id', value: 'cus_7' },
      attributes: { plan: 'pro' },
    });
    expect(callsOf('createOrUpdateUser')[0]?.args[0]).toEqual({ id: 'u7', attributes: { plan: 'pro' } });
  });

  it('skips with a reason when the lookup finds no one and the rule says skip', async () => {
    const { run, callsOf } = setup();
    const result = await run({
      type: 'track_event',
      user_lookup: { attribute: 'stripe_customer_id', value: 'cus_x' },
      name: 'paid',
    });
    expect(result).toEqual({ outcome: 'skipped', reason: 'lookup_not_found' });
    expect(callsOf('trackEvent')).toHaveLength(0);
  });

  it('fails permanently when the lookup finds no one and the rule says fail', async () => {
    const { run, callsOf } = setup();
    const failed = run({
      type: 'remove_membership',
      user_lookup: { attribute: 'stripe_customer_id', value: 'cus_x', if_missing: 'fail' },
      group_id: 'g1',
    });
    await expect(failed).rejects.toBeInstanceOf(DeliveryError);
    await expect(failed).rejects.toMatchObject({ code: 'lookup_not_found', retryable: false });
    expect(callsOf('removeMembership')).toHaveLength(0);
  });

  it('only_if_exists skips an upsert of a user Userflow does not have', async () => {
    const { run, callsOf } = setup();
    const result = await run({
      type: 'upsert_user',
      user_id: 'u1',
      attributes: { a: 1 },
      only_if_exists: true,
    });
    expect(result).toEqual({ outcome: 'skipped', reason: 'user_missing' });
    expect(callsOf('createOrUpdateUser')).toHaveLength(0);
  });

  it('only_if_exists updates a user Userflow has', async () => {
    const { run, callsOf } = setup({ users: [{ id: 'u1', attributes: {} }] });
    await run({ type: 'upsert_user', user_id: 'u1', attributes: { a: 1 }, only_if_exists: true });
    expect(callsOf('createOrUpdateUser')).toHaveLength(1);
  });

  it('only_if_exists skips an upsert of a missing group', async () => {
    const { run, callsOf } = setup();
    const result = await run({ type: 'upsert_group', group_id: 'g1', only_if_exists: true });
    expect(result).toEqual({ outcome: 'skipped', reason: 'group_missing' });
    expect(callsOf('createOrUpdateGroup')).toHaveLength(0);
  });

  it('routes every Userflow call through the call runner', async () => {
    const fake = fakeUserflow({ users: [{ id: 'u7', attributes: { email: 'a@b.c' } }] });
    const actions: string[] = [];
    await executeCommand(
      commandSchema.parse({
        type: 'add_membership',
        user_lookup: { attribute: 'email', value: 'a@b.c' },
        group_id: 'g1',
        only_if_exists: true,
      }),
      {
        client: fake.client,
        call: (action, call) => {
          actions.push(action);
          return call();
        },
        lookup: new UserLookupResolver({ strategy: 'query', ttlMs: 1_000, clock: () => 0 }),
        once: memoryOnce(),
        commandId: 'cmd_1',
        deleteNotFound: 'gone',
      },
    );
    expect(actions).toEqual(['listUsers', 'getUser', 'createOrUpdateUser']);
  });
});
