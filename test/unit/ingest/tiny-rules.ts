// A tiny hand-built rule set (stripe, hubspot batches, a Standard Webhooks portal) behind the rules engine's
// interfaces, so the ingest pipeline is tested on its own terms, whatever the shipped rule files say.
import { buildEnvelope, type Command, type Envelope } from '../../../lib/commands/index.ts';
import type { IngestRules, IngestSource } from '../../../lib/ingest/index.ts';
import { EventShapeError } from '../../../lib/rules/errors.ts';
import type { RuleTrace, SenderEvent } from '../../../lib/rules/types.ts';
import type { VerifyConfig } from '../../../lib/sources/index.ts';

export const SECRETS = {
  STRIPE_WEBHOOK_SECRET: 'whsec_stripe_test_secret_0123456789',
  HUBSPOT_CLIENT_SECRET: 'hubspot-client-secret-0123-4567',
  PORTAL_WEBHOOK_SECRET: 'whsec_cG9ydGFsLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODk=',
} as const;

export const STRIPE_VERIFY: VerifyConfig = {
  scheme: 'stripe',
  secrets: ['STRIPE_WEBHOOK_SECRET'],
  tolerance_seconds: 300,
};
export const HUBSPOT_VERIFY: VerifyConfig = {
  scheme: 'hubspot-v3',
  secrets: ['HUBSPOT_CLIENT_SECRET'],
  tolerance_seconds: 300,
};
export const PORTAL_VERIFY: VerifyConfig = {
  scheme: 'standard-webhooks',
  secrets: ['PORTAL_WEBHOOK_SECRET'],
  tolerance_seconds: 300,
};

type Json = Record<string, unknown>;

function object(body: unknown, what: string): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EventShapeError(`${what}: expected a JSON object`);
  }
  return body as Json;
}

function envelopes(
  source: string,
  rule: string,
  event: SenderEvent,
  at: Date,
  commands: Command[],
): Envelope[] {
  return commands.map((command, index) =>
    buildEnvelope({ source, rule, eventId: event.id, index, receivedAt: at, command }),
  );
}

function source(
  name: string,
  verify: VerifyConfig,
  split: (body: unknown, headers: Record<string, string>) => SenderEvent[],
  rule: string,
  produce: (event: SenderEvent) => Command[] | undefined,
): IngestSource {
  return {
    name,
    verify,
    splitEvents: split,
    async evaluate(event, receivedAt) {
      const commands = produce(event);
      const trace: RuleTrace[] = [{ rule, matched: commands !== undefined, commands: commands?.length ?? 0 }];
      return { envelopes: commands ? envelopes(name, rule, event, receivedAt, commands) : [], trace };
    },
  };
}

/** `customer.subscription.updated` → upsert the user's plan + track an event; everything else matches nothing. */
export const stripeSource = source(
  'stripe',
  STRIPE_VERIFY,
  (body) => {
    const event = object(body, 'stripe');
    if (typeof event.id !== 'string') throw new EventShapeError('stripe: no event id at `id`');
    return [{ id: event.id, type: String(event.type), payload: event }];
  },
  'subscription-updated',
  (event) => {
    if (event.type !== 'customer.subscription.updated') return undefined;
    const sub = (
      event.payload as { data: { object: { status: string; metadata: { userflow_user_id: string } } } }
    ).data.object;
    const user = sub.metadata.userflow_user_id;
    return [
      { type: 'upsert_user', user_id: user, attributes: { subscription_status: sub.status } },
      { type: 'track_event', user_id: user, name: 'subscription_updated' },
    ];
  },
);

/** A JSON array of events; `contact.propertyChange` → upsert the contact's property. */
export const hubspotSource = source(
  'hubspot',
  HUBSPOT_VERIFY,
  (body) => {
    if (!Array.isArray(body)) throw new EventShapeError('hubspot: expected a JSON array of events');
    return body.map((item, index) => {
      const event = object(item, `hubspot item ${index}`);
      if (event.eventId === undefined) throw new EventShapeError(`hubspot item ${index}: no eventId`);
      return { id: String(event.eventId), type: String(event.subscriptionType), payload: event };
    });
  },
  'contact-property',
  (event) => {
    if (event.type !== 'contact.propertyChange') return undefined;
    const p = event.payload as { objectId: number; propertyName: string; propertyValue: string };
    return [
      { type: 'upsert_user', user_id: `hs-${p.objectId}`, attributes: { [p.propertyName]: p.propertyValue } },
    ];
  },
);

/** Standard Webhooks: the event id is the `webhook-id` header. `user.signed_up` → upsert the user. */
export const portalSource = source(
  'portal',
  PORTAL_VERIFY,
  (body, headers) => {
    const event = object(body, 'portal');
    const id = headers['webhook-id'];
    if (!id) throw new EventShapeError('portal: no webhook-id header');
    return [{ id, type: String(event.type), payload: event }];
  },
  'signed-up',
  (event) => {
    if (event.type !== 'user.signed_up') return undefined;
    const data = (event.payload as { data: { user_id: string; email: string } }).data;
    return [{ type: 'upsert_user', user_id: data.user_id, attributes: { email: data.email } }];
  },
);

export function ruleSet(...sources: IngestSource[]): IngestRules {
  const map = new Map(sources.map((s) => [s.name, s]));
  return { get: (name) => map.get(name) };
}

export const tinyRules = (): IngestRules => ruleSet(stripeSource, hubspotSource, portalSource);

/** Marks the payloads below: it must never appear in a response or a log line. */
export const PAYLOAD_MARKER = 'payload-marker-7f3a@example.com';

export function stripeEvent(id: string, overrides: { type?: string; user?: string } = {}): Json {
  return {
    id,
    object: 'event',
    type: overrides.type ?? 'customer.subscription.updated',
    created: 1_768_471_200,
    data: {
      object: {
        id: 'sub_1',
        object: 'subscription',
        status: 'active',
        customer: 'cus_1',
        metadata: { userflow_user_id: overrides.user ?? 'user-1', email: PAYLOAD_MARKER },
      },
    },
  };
}

export function hubspotEvent(eventId: number, objectId: number, value: string): Json {
  return {
    eventId,
    subscriptionId: 12,
    portalId: 99,
    occurredAt: 1_768_471_200_000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId,
    propertyName: 'lifecyclestage',
    propertyValue: value,
    changeSource: 'CRM',
    note: PAYLOAD_MARKER,
  };
}
