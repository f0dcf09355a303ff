import { describe, expect, it } from 'vitest';
import { buildEnvelope, command, commandId, envelope, messageGroupId } from '../../../lib/commands/index.ts';

describe('command schema', () => {
  it('accepts a user upsert with every attribute change operation', () => {
    const parsed = command.parse({
      type: 'upsert_user',
      user_id: 'u1',
      attributes: {
        name: 'Ada',
        plan: { set: 'pro' },
        first_seen: { set_once: '2026-01-01T00:00:00Z', data_type: 'datetime' },
        logins: { add: 1 },
        credits: { subtract: 2 },
        tags: { append: ['a'] },
        recent: { prepend: 'x' },
        old_tags: { remove: ['b'] },
      },
    });
    expect(parsed.type).toBe('upsert_user');
  });

  it('rejects a change object with two operations', () => {
    expect(
      command.safeParse({ type: 'upsert_user', user_id: 'u1', attributes: { n: { add: 1, set: 2 } } })
        .success,
    ).toBe(false);
  });

  it('requires exactly one of user_id and user_lookup', () => {
    const lookup = { attribute: 'stripe_customer_id', value: 'cus_1' };
    expect(command.safeParse({ type: 'delete_user' }).success).toBe(false);
    expect(command.safeParse({ type: 'delete_user', user_id: 'u', user_lookup: lookup }).success).toBe(false);
    const parsed = command.parse({ type: 'delete_user', user_lookup: lookup });
    expect(parsed).toMatchObject({ user_lookup: { if_missing: 'skip' } });
  });

  it('refuses groups and memberships together on a user upsert', () => {
    const both = {
      type: 'upsert_user',
      user_id: 'u',
      groups: [{ id: 'g' }],
      memberships: [{ group: { id: 'g' } }],
    };
    expect(command.safeParse(both).success).toBe(false);
  });

  it('lets a track_event name a group only, but not nothing', () => {
    expect(command.safeParse({ type: 'track_event', name: 'x', group_id: 'g' }).success).toBe(true);
    expect(command.safeParse({ type: 'track_event', name: 'x' }).success).toBe(false);
  });

  it('only allows literals and set on event attributes', () => {
    expect(
      command.safeParse({ type: 'track_event', name: 'x', user_id: 'u', attributes: { n: { add: 1 } } })
        .success,
    ).toBe(false);
  });
});

describe('envelope', () => {
  const input = {
    source: 'stripe',
    rule: 'trial-converted',
    eventId: 'evt_1',
    index: 0,
    receivedAt: new Date('2026-11-27T00:00:00Z'),
    command: command.parse({ type: 'remove_membership', user_id: 'u1', group_id: 'trial' }),
  };

  it('gives the same id to the same (source, event, rule, index) and another id otherwise', () => {
    expect(buildEnvelope(input).id).toBe(buildEnvelope({ ...input }).id);
    expect(buildEnvelope({ ...input, index: 1 }).id).not.toBe(buildEnvelope(input).id);
    expect(commandId('stripe', 'evt_1', 'a', 0)).not.toBe(commandId('stripe', 'evt_1a', '', 0));
  });

  it('round-trips through JSON and the schema', () => {
    const built = buildEnvelope(input);
    expect(envelope.parse(JSON.parse(JSON.stringify(built)))).toEqual(built);
  });
});

describe('messageGroupId', () => {
  it('groups by user id, then lookup, then group id', () => {
    expect(messageGroupId(command.parse({ type: 'add_membership', user_id: 'u1', group_id: 'g' }))).toBe(
      'u1',
    );
    expect(
      messageGroupId(
        command.parse({ type: 'delete_user', user_lookup: { attribute: 'email', value: 'a@b.c' } }),
      ),
    ).toBe('lookup:email=a@b.c');
    expect(messageGroupId(command.parse({ type: 'delete_group', group_id: 'acme' }))).toBe('acme');
  });

  it('hashes ids SQS would refuse, stably', () => {
    const id = messageGroupId(command.parse({ type: 'delete_user', user_id: 'Zoë Straße' }));
    expect(id).toMatch(/^h:[0-9a-f]{64}$/);
    expect(messageGroupId(command.parse({ type: 'delete_user', user_id: 'Zoë Straße' }))).toBe(id);
  });
});

describe('only_if_exists', () => {
  it('is accepted on user, group and membership upserts and refused elsewhere', () => {
    for (const c of [
      { type: 'upsert_user', user_id: 'u', only_if_exists: true },
      { type: 'upsert_group', group_id: 'g', only_if_exists: true },
      { type: 'add_membership', user_id: 'u', group_id: 'g', only_if_exists: true },
    ]) {
      expect(command.safeParse(c).success).toBe(true);
    }
    expect(command.safeParse({ type: 'delete_user', user_id: 'u', only_if_exists: true }).success).toBe(
      false,
    );
  });
});
