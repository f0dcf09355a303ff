// The coalescing plan: which consecutive upserts become one call, and (against the sandbox) that the plan leaves
// Userflow exactly as one call per command would.
import { describe, expect, it } from 'vitest';
import type { AttributeValue, Command } from '../../../lib/commands/index.ts';
import { merge, planCalls } from '../../../lib/deliver/coalesce.ts';
import { createSandboxCore, type SandboxCore } from '../../../lib/sandbox/sandbox.ts';
import { seeded as random } from '../../helpers/seeded-random.ts';

const user = (attributes: Record<string, AttributeValue>, extra: Partial<Command> = {}): Command =>
  ({ type: 'upsert_user', user_id: 'u1', attributes, ...extra }) as Command;

describe('planCalls', () => {
  it('merges consecutive upserts of one user, covering each command once, in order', () => {
    const plan = planCalls([user({ a: 1 }), user({ b: 'x' }), user({ c: true })]);
    expect(plan).toEqual([
      {
        command: { type: 'upsert_user', user_id: 'u1', attributes: { a: 1, b: 'x', c: true } },
        covers: [0, 1, 2],
      },
    ]);
  });

  it('merges upserts of one lookup, unless the first writes the looked-up attribute', () => {
    const lookup = (attributes: Record<string, AttributeValue>, value = 'v'): Command => ({
      type: 'upsert_user',
      user_lookup: { attribute: 'e', value, if_missing: 'skip' },
      attributes,
    });
    expect(planCalls([lookup({ a: 1 }), lookup({ b: 2 })])).toEqual([
      { command: lookup({ a: 1, b: 2 }), covers: [0, 1] },
    ]);
    expect(planCalls([lookup({ a: 1 }), lookup({ b: 2 }, 'w')]).map((c) => c.covers)).toEqual([[0], [1]]);
    expect(planCalls([lookup({ e: 'v' }), lookup({ b: 2 })]).map((c) => c.covers)).toEqual([[0], [1]]);
    expect(planCalls([lookup({ a: 1 }), user({ b: 2 })]).map((c) => c.covers)).toEqual([[0], [1]]);
  });

  it('keeps apart what is not consecutive, another user, another only_if_exists, another kind', () => {
    const event: Command = { type: 'track_event', user_id: 'u1', name: 'x' };
    const lookup: Command = {
      type: 'upsert_user',
      user_lookup: { attribute: 'e', value: 'v', if_missing: 'skip' },
      attributes: { e: 1 },
    };
    const commands: Command[] = [
      user({ a: 1 }),
      event,
      user({ b: 1 }),
      user({ c: 1 }, { user_id: 'u2' }),
      lookup,
      lookup,
      user({ d: 1 }, { user_id: 'u2', only_if_exists: true }),
      { type: 'upsert_group', group_id: 'u2', attributes: { e: 1 } },
    ];
    expect(planCalls(commands).map((c) => c.covers)).toEqual([[0], [1], [2], [3], [4], [5], [6], [7]]);
  });

  it('merges group upserts of one group', () => {
    const plan = planCalls([
      { type: 'upsert_group', group_id: 'g', attributes: { a: 1 } },
      { type: 'upsert_group', group_id: 'g' },
      { type: 'upsert_group', group_id: 'g', attributes: { a: { add: 2 } } },
    ]);
    expect(plan).toEqual([
      { command: { type: 'upsert_group', group_id: 'g', attributes: { a: 3 } }, covers: [0, 1, 2] },
    ]);
  });

  it('joins membership lists of other groups, but never one group twice or the two forms', () => {
    const m = (id: string) => ({ group: { id } });
    expect(merge(user({}, { memberships: [m('g1')] }), user({}, { memberships: [m('g2')] }))).toEqual({
      type: 'upsert_user',
      user_id: 'u1',
      memberships: [m('g1'), m('g2')],
    });
    expect(merge(user({}, { memberships: [m('g1')] }), user({}, { memberships: [m('g1')] }))).toBeUndefined();
    expect(merge(user({}, { groups: [{ id: 'g1' }] }), user({}, { memberships: [m('g2')] }))).toBeUndefined();
  });
});

describe('merge of one attribute changed twice', () => {
  const cases: [string, AttributeValue, AttributeValue, AttributeValue | undefined][] = [
    ['the same value twice', 'x', 'x', 'x'],
    ['two numbers set', 1, { set: 5 }, { set: 5 }],
    ['two booleans set', true, false, false],
    ['adds', { add: 2 }, { add: 3 }, { add: 5 }],
    ['add then subtract', { add: 2 }, { subtract: 5 }, { add: -3 }],
    ['a number then an add', 4, { add: 3 }, 7],
    ['set_once after a value', 'a', { set_once: 'b' }, 'a'],
    ['set_once twice', { set_once: 'a' }, { set_once: 'b' }, { set_once: 'a' }],
    ['set_once after null (cleared: maybe never set)', null, { set_once: 'b' }, undefined],
    ['a string then a number (the inferred type would change)', 'a', 2, undefined],
    ['two strings (datetime inference)', 'a', '2026-01-01T00:00:00Z', undefined],
    ['fractional adds (rounding order)', { add: 0.1 }, { add: 0.2 }, undefined],
    ['a numeric string added', { add: 1 }, { add: '2' }, undefined],
    ['an explicit data type', { set: '1', data_type: 'number' }, 2, undefined],
    ['list operations', { append: 'a' }, { append: 'b' }, undefined],
    ['a value then set_once cannot be swapped', { set_once: 'a' }, 'b', undefined],
  ];
  it.each(cases)('%s', (_name, first, second, expected) => {
    const merged = merge(user({ n: first }), user({ n: second }));
    if (expected === undefined) expect(merged).toBeUndefined();
    else expect(merged).toEqual({ type: 'upsert_user', user_id: 'u1', attributes: { n: expected } });
  });
});

// --- Against the sandbox -----------------------------------------------------------------------------------

async function sandbox(): Promise<SandboxCore> {
  let id = 0;
  return createSandboxCore({ seed: 'none', clock: () => 1_800_000_000_000, newId: () => `id${++id}` });
}

/** Sends a command as delivery's executor would (the upserts only: the plan merges nothing else). */
async function apply(core: SandboxCore, command: Command): Promise<number> {
  const { type, ...rest } = command as Command & { user_id?: string; group_id?: string };
  const body =
    type === 'upsert_user'
      ? { id: rest.user_id, ...pick(rest, ['attributes', 'groups', 'memberships']) }
      : { id: rest.group_id, ...pick(rest, ['attributes']) };
  const headers: Record<string, string> = {
    authorization: 'Bearer ak_sandbox',
    'content-type': 'application/json',
    'userflow-version': '2020-01-03',
  };
  const response = await core.handle({
    method: 'POST',
    url: type === 'upsert_user' ? '/users' : '/groups',
    header: (name) => headers[name],
    text: async () => JSON.stringify(body),
  });
  return response.status;
}

const pick = (o: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

function stateOf(core: SandboxCore) {
  const { view: store } = core;
  return {
    users: store.listUsers().map((u) => [u.id, u.attributes]),
    groups: store.listGroups().map((g) => [g.id, g.attributes]),
    memberships: store.listMemberships({}).map((m) => [m.user_id, m.group_id, m.attributes]),
    definitions: [...core.store.definitions.attributes.values()]
      .map((d) => `${d.scope}:${d.name}:${d.data_type}`)
      .sort(),
  };
}

const VALUES: AttributeValue[] = [
  1,
  2,
  7,
  0.5,
  'a',
  'b',
  '2026-01-01T00:00:00Z',
  true,
  false,
  null,
  ['x'],
  { set: 3 },
  { set: 'c' },
  { add: 1 },
  { add: 5 },
  { subtract: 2 },
  { add: 0.25 },
  { set_once: 'first' },
  { set_once: 9 },
  { append: 'l' },
  { prepend: 'p' },
  { remove: 'l' },
  { set: '4', data_type: 'number' },
];

function randomCommands(next: () => number): Command[] {
  const pickOne = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const attributes = () => {
    const out: Record<string, AttributeValue> = {};
    const n = Math.floor(next() * 3);
    for (let i = 0; i < n; i++) out[pickOne(['n', 'm', 's', 'l'])] = pickOne(VALUES);
    return out;
  };
  const commands: Command[] = [];
  const length = 1 + Math.floor(next() * 8);
  for (let i = 0; i < length; i++) {
    if (next() < 0.25) {
      commands.push({ type: 'upsert_group', group_id: pickOne(['g1', 'g2']), attributes: attributes() });
      continue;
    }
    const memberships =
      next() < 0.3 ? [{ attributes: attributes(), group: { id: pickOne(['g1', 'g2']) } }] : undefined;
    commands.push({
      type: 'upsert_user',
      user_id: pickOne(['u1', 'u1', 'u2']),
      attributes: attributes(),
      ...(memberships ? { memberships } : {}),
    });
  }
  return commands;
}

describe('the plan against the sandbox', () => {
  it('leaves the sandbox exactly as one call per command does, over 400 random batches', async () => {
    let merged = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const commands = randomCommands(random(seed));
      const one = await sandbox();
      const statuses: number[] = [];
      for (const command of commands) statuses.push(await apply(one, command));
      const planned = await sandbox();
      const plan = planCalls(commands);
      for (const call of plan) await apply(planned, call.command);
      merged += commands.length - plan.length;
      expect(
        plan.flatMap((c) => c.covers),
        `seed ${seed}`,
      ).toEqual(commands.map((_, i) => i));
      expect(stateOf(planned), `seed ${seed}: ${JSON.stringify(commands)}`).toEqual(stateOf(one));
      expect(
        statuses.every((s) => s === 200),
        `seed ${seed}`,
      ).toBe(true);
    }
    // The generator must exercise merging, or the comparison above proves nothing.
    expect(merged).toBeGreaterThan(200);
  });
});
