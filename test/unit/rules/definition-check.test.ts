// `rules backtest --check-definitions`: attribute types the candidate rules send, against Userflow's definitions.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../lib/commands/index.ts';
import { AttributeObserver, formatMismatch } from '../../../lib/rules/definition-check.ts';

const definitions = [
  { scope: 'user', name: 'trial_active', data_type: 'boolean' },
  { scope: 'user', name: 'seats', data_type: 'number' },
  { scope: 'user', name: 'signed_up_at', data_type: 'datetime' },
  { scope: 'group', name: 'plan', data_type: 'string' },
  { scope: 'event', name: 'amount', data_type: 'number' },
];

function observed(...commands: Command[]) {
  const observer = new AttributeObserver();
  commands.forEach((command, i) => {
    observer.observe(command, 'rule-a', `evt_${i}`);
  });
  return observer.mismatches(definitions);
}

describe('AttributeObserver', () => {
  it('warns where a rule sends the string "true" for a boolean attribute, with a count and an example', () => {
    const upsert = (value: unknown) =>
      ({ type: 'upsert_user', user_id: 'u', attributes: { trial_active: value } }) as Command;
    const [mismatch, ...rest] = observed(upsert('true'), upsert('false'), upsert(true));
    expect(rest).toEqual([]);
    expect(mismatch).toMatchObject({
      scope: 'user',
      name: 'trial_active',
      defined: 'boolean',
      sent: 'string',
      count: 2,
    });
    expect(formatMismatch(mismatch as never)).toBe(
      'user attribute trial_active: Userflow has boolean, the candidate rules send string (2×, e.g. "true" from rule rule-a, event evt_0)',
    );
  });

  it('reads change operations and their data_type, and accepts ISO strings for datetimes', () => {
    const command = {
      type: 'upsert_user',
      user_id: 'u',
      attributes: {
        seats: { add: 1 },
        signed_up_at: { set_once: '2025-01-01T00:00:00Z', data_type: 'datetime' },
        trial_active: null,
      },
    } as Command;
    expect(observed(command)).toEqual([]);
    const wrong = { type: 'upsert_user', user_id: 'u', attributes: { seats: { set: '3' } } } as Command;
    expect(observed(wrong)).toMatchObject([{ name: 'seats', defined: 'number', sent: 'string' }]);
  });

  it('keeps scopes apart: group and event attributes are checked against their own definitions', () => {
    const group = {
      type: 'upsert_group',
      group_id: 'g',
      attributes: { plan: 5, trial_active: 'x' },
    } as Command;
    const event = {
      type: 'track_event',
      user_id: 'u',
      name: 'paid',
      attributes: { amount: '49.00' },
    } as Command;
    expect(observed(group, event).map((m) => `${m.scope}.${m.name}`)).toEqual(['event.amount', 'group.plan']);
  });

  it('ignores attributes Userflow has no definition for yet', () => {
    const command = { type: 'upsert_user', user_id: 'u', attributes: { brand_new: 'x' } } as Command;
    expect(observed(command)).toEqual([]);
  });
});
