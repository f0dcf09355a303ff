// The shipped rule packs over every fixture: the exact commands, in order, that each webhook produces.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../../lib/commands/index.ts';
import { type CompiledSource, loadRules, type RuleSet } from '../../../lib/rules/index.ts';
import { commandsFor, FIXTURES, fixture, RECEIVED_AT } from './helpers.ts';

const RULES_DIR = join(import.meta.dirname, '../../../rules');

interface StandardSignature {
  file: string;
  headers: Record<string, string>;
}
const signatures = [
  ...(JSON.parse(readFileSync(join(FIXTURES, 'signatures.json'), 'utf8')).fixtures
    .standard as StandardSignature[]),
  ...(JSON.parse(readFileSync(join(FIXTURES, 'signatures.local.json'), 'utf8'))
    .standard as StandardSignature[]),
];
/** The headers the portal sent with a fixture (shared entries say `standard/…` for our `portal/…`). */
const portalHeaders = (file: string) =>
  (signatures.find((entry) => entry.file.endsWith(`/${file}`)) as StandardSignature).headers;

let rules: RuleSet;
beforeAll(async () => {
  rules = await loadRules(RULES_DIR);
});
const pack = (name: string) => rules.get(name) as CompiledSource;

const USER = 'usr_7f3a2c91';

describe('every fixture is covered by a test below', () => {
  it.each(['stripe', 'hubspot', 'portal'])('%s', (source) => {
    const tested = Object.keys(EXPECTED[source] as object).sort();
    const files = readdirSync(join(FIXTURES, source))
      .filter((file) => file.endsWith('.json'))
      .sort();
    expect(tested).toEqual(files);
  });
});

const EXPECTED: Record<string, Record<string, Command[]>> = {
  stripe: {
    'checkout.session.completed.json': [
      {
        type: 'upsert_user',
        user_id: USER,
        attributes: { stripe_customer_id: 'cus_SJqV8mK2pLx4Qa', email: 'ada@acme.test' },
      },
      {
        type: 'track_event',
        user_id: USER,
        name: 'checkout_completed',
        attributes: { mode: 'subscription', amount_total: 0, currency: 'usd' },
        time: '2025-05-15T10:00:02.000Z',
      },
    ],
    'customer.subscription.created.json': [
      {
        type: 'upsert_user',
        user_id: USER,
        attributes: { subscription_status: 'trialing', plan: 'pro_monthly' },
      },
      {
        type: 'track_event',
        user_id: USER,
        name: 'subscription_created',
        attributes: { plan: 'pro_monthly', status: 'trialing' },
        time: '2025-05-15T10:00:01.000Z',
      },
    ],
    // trial → paid: remove trial, add paid, track — then the status sync keeps subscription_status current.
    'customer.subscription.updated.trialing_to_active.json': [
      { type: 'remove_membership', user_id: USER, group_id: 'trial' },
      { type: 'add_membership', user_id: USER, group_id: 'paid' },
      {
        type: 'track_event',
        user_id: USER,
        name: 'subscription_activated',
        attributes: { plan: 'pro_monthly' },
        time: '2025-05-29T10:00:03.000Z',
      },
      { type: 'upsert_user', user_id: USER, attributes: { subscription_status: 'active' } },
    ],
    'invoice.paid.json': [
      {
        type: 'upsert_user',
        user_id: USER,
        attributes: { last_payment_at: { set: '2025-05-29T11:00:00.000Z', data_type: 'datetime' } },
      },
    ],
    // The pre-2025-03-31 invoice shape gives the same command.
    'invoice.paid.legacy-2024-06-20.json': [
      {
        type: 'upsert_user',
        user_id: USER,
        attributes: { last_payment_at: { set: '2025-05-29T11:00:00.000Z', data_type: 'datetime' } },
      },
    ],
    'invoice.payment_failed.json': [
      {
        type: 'track_event',
        user_id: USER,
        name: 'payment_failed',
        attributes: { amount_due: 4900, attempt_count: 1, currency: 'usd' },
        time: '2025-06-29T11:00:02.000Z',
      },
    ],
    'customer.subscription.deleted.json': [
      { type: 'upsert_user', user_id: USER, attributes: { subscription_status: 'canceled' } },
      { type: 'remove_membership', user_id: USER, group_id: 'paid' },
      {
        type: 'track_event',
        user_id: USER,
        name: 'subscription_canceled',
        attributes: { reason: 'payment_failed' },
        time: '2025-07-13T10:00:01.000Z',
      },
    ],
  },
  hubspot: {
    // contact.creation and deal.propertyChange have no rule; the lifecycle change both updates and tracks.
    'batch.mixed.json': [
      { type: 'upsert_user', user_lookup: contact(), attributes: { email: 'ada@acme.test' } },
      {
        type: 'upsert_group',
        group_id: '18446501',
        attributes: {
          hubspot_company_id: '18446501',
          hubspot_created_at: { set_once: '2025-05-29T10:00:05.400Z', data_type: 'datetime' },
        },
      },
      { type: 'upsert_user', user_lookup: contact(), attributes: { lifecyclestage: 'customer' } },
      becameCustomer(),
    ],
    'contact.propertyChange.single.json': [
      { type: 'upsert_user', user_lookup: contact(), attributes: { lifecyclestage: 'customer' } },
      becameCustomer(),
    ],
    // Sorted by occurredAt: the late redelivery of the older change comes first, so "evangelist" wins.
    'contact.propertyChange.out_of_order.json': [
      { type: 'upsert_user', user_lookup: contact(), attributes: { lifecyclestage: 'customer' } },
      becameCustomer(),
      { type: 'upsert_user', user_lookup: contact(), attributes: { lifecyclestage: 'evangelist' } },
    ],
    'deal.propertyChange.retry.json': [],
  },
  portal: {
    'customer.portal.user.signed_up.json': [
      {
        type: 'upsert_user',
        user_id: USER,
        attributes: {
          email: 'ada@acme.test',
          name: 'Ada Lovelace',
          signup_method: 'google_oauth',
          signed_up_at: { set_once: '2025-05-15T10:00:01.087Z', data_type: 'datetime' },
        },
      },
      {
        type: 'add_membership',
        user_id: USER,
        group_id: 'pco_01JV2A7B0D2F4H6K8M0P2R4T6V',
        group_attributes: { name: 'Acme Corp' },
      },
    ],
    'customer.portal.subscription.plan_changed.json': [
      { type: 'upsert_user', user_id: USER, attributes: { plan: 'plan_pro_monthly' } },
      {
        type: 'track_event',
        user_id: USER,
        name: 'plan_changed',
        attributes: { from_plan: 'plan_starter_monthly', to_plan: 'plan_pro_monthly' },
        time: '2025-05-29T10:00:00Z',
      },
    ],
    'customer.portal.profile.completed.json': [
      {
        type: 'track_event',
        user_id: USER,
        group_id: 'pco_01JV2A7B0D2F4H6K8M0P2R4T6V',
        name: 'profile_completed',
        attributes: { fields_completed: 4 },
        time: '2025-05-16T09:12:44.201Z',
      },
    ],
    'spec.contact.created.thin.json': [],
  },
};

function contact() {
  return { attribute: 'hubspot_contact_id', value: '51201', if_missing: 'skip' as const };
}
function becameCustomer(): Command {
  return {
    type: 'track_event',
    user_lookup: contact(),
    name: 'became_customer',
    attributes: { change_source: 'AUTOMATION_PLATFORM' },
    time: '2025-05-29T10:01:30.000Z',
  };
}

describe.each(['stripe', 'hubspot', 'portal'])('the %s pack', (source) => {
  it.each(Object.entries(EXPECTED[source] as object))('%s', async (file, expected) => {
    const headers = source === 'portal' ? portalHeaders(file) : {};
    expect(await commandsFor(pack(source), fixture(source, file), headers)).toEqual(expected);
  });
});

describe('identity and event ids', () => {
  it('stripe: without metadata.userflow_user_id the user is looked up by stripe_customer_id', async () => {
    const body = fixture('stripe', 'customer.subscription.deleted.json') as {
      data: { object: { metadata: object } };
    };
    body.data.object.metadata = {};
    const commands = await commandsFor(pack('stripe'), body);
    const lookup = { attribute: 'stripe_customer_id', value: 'cus_SJqV8mK2pLx4Qa', if_missing: 'skip' };
    expect(commands.map((command) => ('user_lookup' in command ? command.user_lookup : command))).toEqual([
      lookup,
      lookup,
      lookup,
    ]);
  });

  it('stripe: the event id is the evt_ id; portal: the webhook-id header; hubspot: each item eventId', async () => {
    const stripe = pack('stripe').splitEvents(fixture('stripe', 'invoice.paid.json'), {});
    expect(stripe.map((event) => event.id)).toEqual(['evt_1RTxF0LkdIwHu7ixs9Qe1Lm4']);
    const file = 'customer.portal.profile.completed.json';
    const portal = pack('portal').splitEvents(fixture('portal', file), portalHeaders(file));
    expect(portal.map((event) => [event.id, event.type])).toEqual([
      ['msg_70726f66696c652e636f6d706c6574', 'profile.completed'],
    ]);
    const hubspot = pack('hubspot').splitEvents(fixture('hubspot', 'batch.mixed.json'), {});
    expect(hubspot.map((event) => event.id)).toEqual([
      '1871425601',
      '1871425602',
      '1871425603',
      '1871425604',
      '1871425605',
    ]);
  });

  it('a redelivered event produces the same command ids', async () => {
    const evaluate = async (file: string) => {
      const [event] = pack('hubspot').splitEvents(fixture('hubspot', file), {});
      return (await pack('hubspot').evaluate(event as never, RECEIVED_AT)).envelopes.map(
        (envelope) => envelope.id,
      );
    };
    const single = await evaluate('contact.propertyChange.single.json');
    const [retried] = pack('hubspot')
      .splitEvents(fixture('hubspot', 'contact.propertyChange.out_of_order.json'), {})
      .filter((event) => event.id === '1871425604');
    const again = (await pack('hubspot').evaluate(retried as never, new Date())).envelopes.map(
      (envelope) => envelope.id,
    );
    expect(again).toEqual(single);
  });

  it('the packs verify with the secrets the issue names', () => {
    expect(pack('stripe').verify).toMatchObject({ scheme: 'stripe', secrets: ['STRIPE_WEBHOOK_SECRET'] });
    expect(pack('hubspot').verify).toMatchObject({
      scheme: 'hubspot-v3',
      secrets: ['HUBSPOT_CLIENT_SECRET'],
    });
    expect(pack('portal').verify).toMatchObject({
      scheme: 'standard-webhooks',
      secrets: ['PORTAL_WEBHOOK_SECRET'],
    });
  });
});

describe('the packs survive a sender leaving out an optional field (issue 15)', () => {
  /** The fixture with one field deleted, as a sender with no value for it would send it. */
  function without(source: string, file: string, path: string[]): unknown {
    const body = structuredClone(fixture(source, file)) as Record<string, unknown>;
    const parent = path
      .slice(0, -1)
      .reduce<Record<string, unknown>>((object, key) => object[key] as Record<string, unknown>, body);
    delete parent[path[path.length - 1] as string];
    return body;
  }

  it('a portal user.signed_up without signup_method still creates the user', async () => {
    const file = 'customer.portal.user.signed_up.json';
    const body = without('portal', file, ['data', 'signup_method']);
    const [upsert] = await commandsFor(pack('portal'), body, portalHeaders(file));
    expect(upsert).toMatchObject({ type: 'upsert_user', user_id: USER });
    expect((upsert as { attributes: object }).attributes).not.toHaveProperty('signup_method');
    expect((upsert as { attributes: object }).attributes).toHaveProperty('email');
  });

  it('a Stripe checkout without amount_total still links the customer and tracks the checkout', async () => {
    const body = without('stripe', 'checkout.session.completed.json', ['data', 'object', 'amount_total']);
    const commands = await commandsFor(pack('stripe'), body);
    expect(commands.map((command) => command.type)).toEqual(['upsert_user', 'track_event']);
    expect(commands[0]).toMatchObject({ attributes: { stripe_customer_id: expect.any(String) } });
    expect((commands[1] as { attributes: object }).attributes).not.toHaveProperty('amount_total');
  });
});
