// Every `do` action, every way of naming a user, the envelope around each command, and every skip reason.
import { describe, expect, it } from 'vitest';
import { commandId } from '../../../lib/commands/index.ts';
import { compileSource, RECEIVED_AT } from './helpers.ts';

const event = (payload: unknown, id = 'evt_1', type?: string) => ({ id, type, payload });

async function run(rules: string, payload: unknown) {
  const source = compileSource(rules);
  return source.evaluate(event(payload), RECEIVED_AT);
}

async function commands(rules: string, payload: unknown) {
  return (await run(rules, payload)).envelopes.map((envelope) => envelope.command);
}

const rule = (action: string) => `  - name: r\n    when: {}\n    do:\n${action}`;

describe('actions', () => {
  it('upsert_user with literal and JSONata attributes, change operations, groups and only_if_exists', async () => {
    const yaml = rule(`      - upsert_user:
          user_id: "{% user.id %}"
          only_if_exists: true
          attributes:
            plan: pro
            seats: "{% seats %}"
            logins: { add: 1 }
            first_seen: { set_once: "{% at %}", data_type: datetime }
          groups:
            - id: "{% org.id %}"
              attributes: { name: "{% org.name %}" }
`);
    expect(
      await commands(yaml, {
        user: { id: 'u1' },
        seats: 3,
        at: '2025-01-01T00:00:00Z',
        org: { id: 7, name: 'Acme' },
      }),
    ).toEqual([
      {
        type: 'upsert_user',
        user_id: 'u1',
        only_if_exists: true,
        attributes: {
          plan: 'pro',
          seats: 3,
          logins: { add: 1 },
          first_seen: { set_once: '2025-01-01T00:00:00Z', data_type: 'datetime' },
        },
        groups: [{ id: '7', attributes: { name: 'Acme' } }],
      },
    ]);
  });

  it('upsert_user with memberships, and attributes from one expression', async () => {
    const yaml = rule(`      - upsert_user:
          user_id: u1
          attributes: "{% { key: value } %}"
          memberships:
            - group: { id: g1 }
              attributes: { role: "{% role %}" }
`);
    expect(await commands(yaml, { key: 'stage', value: 'customer', role: 'admin' })).toEqual([
      {
        type: 'upsert_user',
        user_id: 'u1',
        attributes: { stage: 'customer' },
        memberships: [{ group: { id: 'g1' }, attributes: { role: 'admin' } }],
      },
    ]);
  });

  it('upsert_group, add_membership, remove_membership, delete_user, delete_group in order', async () => {
    const yaml = rule(`      - upsert_group:
          group_id: "{% g %}"
          attributes: { name: Acme }
      - add_membership:
          user_id: u1
          group_id: "{% g %}"
          group_attributes: { plan: pro }
          membership_attributes: { role: owner }
      - remove_membership: { user_id: u1, group_id: trial }
      - delete_user: { user_id: u2 }
      - delete_group: { group_id: old }
`);
    expect(await commands(yaml, { g: 'acme' })).toEqual([
      { type: 'upsert_group', group_id: 'acme', attributes: { name: 'Acme' } },
      {
        type: 'add_membership',
        user_id: 'u1',
        group_id: 'acme',
        group_attributes: { plan: 'pro' },
        membership_attributes: { role: 'owner' },
      },
      { type: 'remove_membership', user_id: 'u1', group_id: 'trial' },
      { type: 'delete_user', user_id: 'u2' },
      { type: 'delete_group', group_id: 'old' },
    ]);
  });

  it('track_event for a user and a group, with a time and { set } attributes', async () => {
    const yaml = rule(`      - track_event:
          user_id: u1
          group_id: g1
          name: "{% 'plan_' & action %}"
          attributes:
            amount: "{% amount %}"
            due: { set: "{% due %}", data_type: datetime }
          time: "{% $fromMillis(created * 1000) %}"
`);
    expect(
      await commands(yaml, {
        action: 'upgraded',
        amount: 4900,
        due: '2025-02-01T00:00:00Z',
        created: 1747303202,
      }),
    ).toEqual([
      {
        type: 'track_event',
        user_id: 'u1',
        group_id: 'g1',
        name: 'plan_upgraded',
        attributes: { amount: 4900, due: { set: '2025-02-01T00:00:00Z', data_type: 'datetime' } },
        time: '2025-05-15T10:00:02.000Z',
      },
    ]);
  });

  it('track_event for a group only', async () => {
    const yaml = rule('      - track_event: { group_id: g1, name: renewed }\n');
    expect(await commands(yaml, {})).toEqual([{ type: 'track_event', group_id: 'g1', name: 'renewed' }]);
  });
});

describe('naming the user', () => {
  const both = rule(`      - delete_user:
          user_id: "{% metadata.uid %}"
          user_lookup:
            attribute: stripe_customer_id
            value: "{% customer %}"
            if_missing: fail
`);

  it('uses the id when it evaluates to a value', async () => {
    expect(await commands(both, { metadata: { uid: 'u1' }, customer: 'cus_1' })).toEqual([
      { type: 'delete_user', user_id: 'u1' },
    ]);
  });

  it.each([
    ['missing', {}],
    ['null', { uid: null }],
    ['empty', { uid: '' }],
  ])('falls back to the lookup when the id is %s', async (_name, metadata) => {
    expect(await commands(both, { metadata, customer: 'cus_1' })).toEqual([
      {
        type: 'delete_user',
        user_lookup: { attribute: 'stripe_customer_id', value: 'cus_1', if_missing: 'fail' },
      },
    ]);
  });

  it('turns numeric ids into strings, and defaults if_missing to skip', async () => {
    const yaml = rule(`      - delete_user: { user_id: "{% n %}" }
      - delete_user: { user_lookup: { attribute: crm_id, value: "{% n %}" } }
`);
    expect(await commands(yaml, { n: 51201 })).toEqual([
      { type: 'delete_user', user_id: '51201' },
      { type: 'delete_user', user_lookup: { attribute: 'crm_id', value: 51201, if_missing: 'skip' } },
    ]);
  });
});

describe('envelopes', () => {
  it('carry source, rule, event id, received-at and a deterministic id per command position', async () => {
    const yaml = `${rule('      - delete_user: { user_id: a }\n      - delete_user: { user_id: b }\n')}  - name: second
    when: {}
    do:
      - delete_group: { group_id: g }
`;
    const { envelopes } = await run(yaml, {});
    expect(envelopes.map(({ rule: name, id }) => [name, id])).toEqual([
      ['r', commandId('test', 'evt_1', 'r', 0)],
      ['r', commandId('test', 'evt_1', 'r', 1)],
      ['second', commandId('test', 'evt_1', 'second', 0)],
    ]);
    expect(envelopes[0]).toMatchObject({
      v: 1,
      source: 'test',
      eventId: 'evt_1',
      receivedAt: RECEIVED_AT.toISOString(),
    });
  });

  it('offers $eventId, $eventType, $source and $receivedAt to expressions', async () => {
    const source = compileSource(
      rule(`      - track_event:
          user_id: "{% $eventId %}"
          name: "{% $source & ':' & $eventType %}"
          time: "{% $receivedAt %}"
`),
    );
    const { envelopes } = await source.evaluate(event({}, 'evt_9', 'invoice.paid'), RECEIVED_AT);
    expect(envelopes[0]?.command).toEqual({
      type: 'track_event',
      user_id: 'evt_9',
      name: 'test:invoice.paid',
      time: RECEIVED_AT.toISOString(),
    });
  });
});

describe('skip reasons (the rule skips the event; nothing throws)', () => {
  const cases: [string, string, unknown, string][] = [
    [
      'an id that evaluates to nothing',
      '      - delete_user: { user_id: "{% uid %}" }\n',
      {},
      'do[0].delete_user.user_id: {% uid %} evaluated to nothing',
    ],
    [
      'an id and a lookup that both evaluate to nothing',
      '      - delete_user: { user_id: "{% uid %}", user_lookup: { attribute: a, value: "{% c %}" } }\n',
      {},
      'do[0].delete_user.user_id and do[0].delete_user.user_lookup.value: evaluated to nothing',
    ],
    [
      'a lookup value that evaluates to nothing',
      '      - delete_user: { user_lookup: { attribute: a, value: "{% c %}" } }\n',
      {},
      'do[0].delete_user.user_lookup.value: evaluated to nothing',
    ],
    [
      'a group id that evaluates to nothing',
      '      - delete_group: { group_id: "{% g %}" }\n',
      {},
      'do[0].delete_group.group_id: {% g %} evaluated to nothing',
    ],
    [
      'a name that evaluates to nothing',
      '      - track_event: { user_id: u, name: "{% n %}" }\n',
      {},
      'do[0].track_event.name: {% n %} evaluated to nothing',
    ],
    [
      'a JSONata runtime error',
      '      - delete_user: { user_id: "{% a + 1 %}" }\n',
      { a: 'x' },
      'do[0].delete_user.user_id: JSONata error: T2001',
    ],
    [
      'runaway recursion, stopped by the JSONata guardrails',
      '      - delete_user: { user_id: "{% ($f := function($x) { 1 + $f($x) }; $f(1)) %}" }\n',
      {},
      'do[0].delete_user.user_id: JSONata error: D1011',
    ],
    [
      'an id that is an object',
      '      - delete_user: { user_id: "{% a %}" }\n',
      { a: { b: 1 } },
      'do[0].delete_user.user_id: {% a %} must be a string or number, got an object',
    ],
    [
      'attributes from an expression that is not an object',
      '      - upsert_user: { user_id: u, attributes: "{% a %}" }\n',
      { a: 'x' },
      'do[0].upsert_user.attributes: {% a %} must yield an object of attributes',
    ],
    [
      'a command the queue contract refuses',
      '      - track_event: { user_id: u, name: n, time: "{% t %}" }\n',
      { t: 'yesterday' },
      'do[0].track_event.time:',
    ],
    [
      'an attribute value Userflow cannot take',
      '      - upsert_user: { user_id: u, attributes: { nested: "{% a %}" } }\n',
      { a: { b: 1 } },
      'do[0].upsert_user.attributes.nested:',
    ],
  ];

  it.each(cases)('skips on %s', async (_name, action, payload, reason) => {
    const { envelopes, trace } = await run(rule(action), payload);
    expect(envelopes).toEqual([]);
    expect(trace).toHaveLength(1);
    expect(trace[0]).toMatchObject({ rule: 'r', matched: true, commands: 0 });
    expect(trace[0]?.reason).toContain(`skipped: ${reason}`);
  });

  it('skips only the failing command, keeping the ids of the others, and leaves other rules alone', async () => {
    const yaml = `${rule('      - delete_user: { user_id: "{% missing %}" }\n      - delete_user: { user_id: a }\n')}  - name: other
    when: {}
    do:
      - delete_group: { group_id: g }
`;
    const { envelopes, trace } = await run(yaml, {});
    expect(envelopes.map((envelope) => [envelope.rule, envelope.command.type])).toEqual([
      ['r', 'delete_user'],
      ['other', 'delete_group'],
    ]);
    // The surviving command keeps index 1 (its place in `do`), so its id is the same as when nothing is skipped.
    const all = await run(yaml, { missing: 'x' });
    expect(envelopes[0]?.id).toBe(all.envelopes[1]?.id);
    expect(trace[0]).toMatchObject({
      rule: 'r',
      matched: true,
      commands: 1,
      skipped: [{ action: 0, reason: 'do[0].delete_user.user_id: {% missing %} evaluated to nothing' }],
    });
  });

  it('strict: true skips the whole rule, not just the failing action', async () => {
    const yaml = `  - name: r\n    strict: true\n    when: {}\n    do:\n      - delete_user: { user_id: a }\n      - delete_user: { user_id: "{% missing %}" }\n  - name: other
    when: {}
    do:
      - delete_group: { group_id: g }
`;
    const { envelopes, trace } = await run(yaml, {});
    expect(envelopes.map((envelope) => envelope.rule)).toEqual(['other']);
    expect(trace.map((entry) => [entry.rule, entry.commands])).toEqual([
      ['r', 0],
      ['other', 1],
    ]);
  });

  it('does not throw for a payload of an unexpected shape', async () => {
    const source = compileSource(rule('      - delete_user: { user_id: "{% a.b %}" }\n'));
    for (const payload of [null, 'text', 42, [1, 2]]) {
      await expect(source.evaluate(event(payload), RECEIVED_AT)).resolves.toMatchObject({ envelopes: [] });
    }
  });
});

describe('missing values (issue 15: one absent field must not drop the rule)', () => {
  const upsert =
    '      - upsert_user:\n          user_id: u\n          attributes:\n            email: "{% email %}"\n            plan: "{% plan %}"\n            since: { set_once: "{% since %}" }\n';

  it('leaves an attribute that evaluates to nothing out of the command', async () => {
    const { envelopes, trace } = await run(rule(upsert), { plan: 'pro' });
    expect(envelopes[0]?.command).toEqual({ type: 'upsert_user', user_id: 'u', attributes: { plan: 'pro' } });
    expect(trace[0]).toMatchObject({ matched: true, commands: 1 });
    expect(trace[0]?.reason).toBeUndefined();
  });

  it('keeps an explicit null (a deliberate unset), and event attributes are left out the same way', async () => {
    const track =
      '      - track_event:\n          user_id: u\n          name: e\n          attributes:\n            a: "{% a %}"\n            b: "{% b %}"\n';
    const { envelopes } = await run(rule(track), { a: null });
    expect(envelopes[0]?.command).toEqual({
      type: 'track_event',
      user_id: 'u',
      name: 'e',
      attributes: { a: null },
    });
  });

  it('still skips on an expression error inside an attribute', async () => {
    const action = '      - upsert_user: { user_id: u, attributes: { n: "{% a + 1 %}" } }\n';
    const { envelopes, trace } = await run(rule(action), { a: 'x' });
    expect(envelopes).toEqual([]);
    expect(trace[0]?.reason).toContain('do[0].upsert_user.attributes.n: JSONata error: T2001');
  });

  it('strict: true restores all-or-nothing for attributes', async () => {
    const yaml = `  - name: r\n    strict: true\n    when: {}\n    do:\n${upsert}`;
    const { envelopes, trace } = await run(yaml, { plan: 'pro' });
    expect(envelopes).toEqual([]);
    expect(trace[0]?.reason).toBe(
      'skipped: do[0].upsert_user.attributes.email: {% email %} evaluated to nothing',
    );
  });

  it('required: [paths] skips the whole rule when one of them has no value', async () => {
    const yaml = `  - name: r\n    required: [data.email]\n    when: {}\n    do:\n${upsert}`;
    for (const payload of [{}, { data: { email: null } }]) {
      const { envelopes, trace } = await run(yaml, payload);
      expect(envelopes).toEqual([]);
      expect(trace[0]?.reason).toBe('skipped: required data.email has no value');
    }
    const { envelopes } = await run(yaml, { data: { email: 'a@b.c' } });
    expect(envelopes).toHaveLength(1);
  });
});

describe('trace', () => {
  const yaml = `  - name: paid
    when: { type: [invoice.paid] }
    do: [{ delete_user: { user_id: a } }]
  - name: off
    enabled: false
    when: {}
    do: [{ delete_user: { user_id: a } }]
  - name: created
    when: { type: [invoice.created] }
    do: [{ delete_user: { user_id: a } }]
`;

  it('by default lists only the rules the index let through', async () => {
    const { trace } = await compileSource(yaml).evaluate(event({ type: 'invoice.paid' }), RECEIVED_AT);
    expect(trace).toEqual([{ rule: 'paid', matched: true, commands: 1 }]);
  });

  it('explains every rule on request, disabled ones included', async () => {
    const { trace } = await compileSource(yaml).evaluate(event({ type: 'invoice.paid' }), RECEIVED_AT, {
      explain: true,
    });
    expect(trace).toEqual([
      { rule: 'paid', matched: true, commands: 1 },
      { rule: 'off', matched: false, reason: 'disabled', commands: 0 },
      {
        rule: 'created',
        matched: false,
        reason: 'type is "invoice.paid", wanted ["invoice.created"]',
        commands: 0,
      },
    ]);
  });

  it('never runs a disabled rule', async () => {
    const { envelopes } = await compileSource(yaml).evaluate(event({ type: 'x' }), RECEIVED_AT);
    expect(envelopes).toEqual([]);
  });
});
