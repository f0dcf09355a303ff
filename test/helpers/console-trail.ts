// Trail records and dead letters shaped as ingest and delivery write them, for the console's tests.
import { DLQ_ATTRIBUTES } from '../../lib/dlq/dlq-attributes.ts';
import type { Queue } from '../../lib/queue/queue.ts';
import type { TrailStore } from '../../lib/trail/store.ts';
import type { AttemptRecord, IntakeRecord } from '../../lib/trail/types.ts';
import { attempt, intake } from '../integration/trail/trail-contract.ts';

export { attempt, intake };

export const TRIAL_USER = 'usr_7f3a2c91';

/** The trial→paid sample as the trail keeps it: three commands, each delivered with a 200. */
export function trialConverted(receivedAt: string): { intake: IntakeRecord; attempts: AttemptRecord[] } {
  const eventId = 'evt_1SmpLTrialConvertedA01';
  const commands = [
    { id: 'cmd_trial_remove', kind: 'remove_membership', userId: TRIAL_USER, groupId: 'trial' },
    { id: 'cmd_trial_add', kind: 'add_membership', userId: TRIAL_USER, groupId: 'paid' },
    { id: 'cmd_trial_event', kind: 'track_event', userId: TRIAL_USER },
    { id: 'cmd_trial_status', kind: 'upsert_user', userId: TRIAL_USER },
  ];
  const record = intake({
    requestId: 'req_trial',
    receivedAt,
    eventIds: [eventId],
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    },
    body: {
      stored: true,
      size: 120,
      text: JSON.stringify({
        id: eventId,
        type: 'customer.subscription.updated',
        data: { object: { status: 'active', metadata: { userflow_user_id: TRIAL_USER } } },
      }),
    },
    events: [
      {
        id: eventId,
        type: 'customer.subscription.updated',
        outcome: 'accepted',
        rules: [
          {
            name: 'checkout-completed',
            decision: 'no_match',
            reason: 'type is "customer.subscription.updated", wanted ["checkout.session.completed"]',
          },
          { name: 'trial-converted', decision: 'matched' },
          { name: 'subscription-status-changed', decision: 'matched' },
        ],
        commands,
      },
    ],
  });
  const at = new Date(Date.parse(receivedAt) + 1000).toISOString();
  const attempts = commands.map((c, i) =>
    attempt({
      commandId: c.id,
      messageId: `m_${i}`,
      at,
      action: c.kind,
      status: 200,
      latencyMs: 40 + i,
      userId: TRIAL_USER,
      ...(c.groupId ? { groupId: c.groupId, request: { group_id: c.groupId } } : {}),
      source: 'stripe',
      principal: 'webhook:stripe',
      origin: 'webhook:stripe',
    }),
  );
  return { intake: record, attempts };
}

export async function putTrialConverted(trail: TrailStore, receivedAt: string): Promise<IntakeRecord> {
  const { intake: record, attempts } = trialConverted(receivedAt);
  await trail.putIntake(record);
  for (const a of attempts) await trail.putAttempt(a);
  return record;
}

/** A request refused for its signature: no events, no commands. */
export function badSignature(requestId: string, receivedAt: string): IntakeRecord {
  return intake({
    requestId,
    receivedAt,
    status: 401,
    outcome: 'bad_signature',
    errorCode: 'bad_signature',
    eventIds: [],
    events: [],
  });
}

/** A command delivery gave up on, with the reason attributes delivery sets. */
export async function putDeadLetter(
  dlq: Queue,
  options: { commandId: string; reason: string; userId?: string; error?: string },
): Promise<void> {
  const envelope = {
    v: 1,
    id: options.commandId,
    source: 'stripe',
    rule: 'trial-converted',
    eventId: 'evt_dead',
    receivedAt: '2026-12-01T10:00:00.000Z',
    command: { type: 'track_event', user_id: options.userId ?? 'ada', name: 'subscription_activated' },
  };
  await dlq.send([
    {
      groupId: options.userId ?? 'ada',
      dedupeId: options.commandId,
      body: JSON.stringify(envelope),
      attributes: {
        [DLQ_ATTRIBUTES.reason]: options.reason,
        [DLQ_ATTRIBUTES.error]: options.error ?? 'Userflow answered 400',
        [DLQ_ATTRIBUTES.status]: '400',
        [DLQ_ATTRIBUTES.commandId]: options.commandId,
        [DLQ_ATTRIBUTES.failedAt]: '2026-12-01T10:05:00.000Z',
      },
    },
  ]);
}
