// `events replay`: a stored webhook body run again through the current rules, as commands with new ids.
// The rules engine does the work exactly as ingest calls it (splitEvents, then evaluate); this module only picks
// the event, renames the commands for the n-th replay, and describes the replay as an intake of its own.
import { type Envelope, replayCommandId } from '../commands/index.ts';
import { parseJsonBody } from '../ingest/parse-body.ts';
import { ruleDecision, trailCommandOf } from '../rules/decisions.ts';
import type { CompiledSource, RuleTrace } from '../rules/types.ts';
import { TrailError } from './errors.ts';
import type { TrailStore } from './store.ts';
import type { IntakeRecord, TrailEvent } from './types.ts';

/** What replay needs of a compiled source: the rules engine's `CompiledSource` is one. */
export type ReplaySource = Pick<CompiledSource, 'name' | 'splitEvents' | 'evaluate'>;

/** The intake outcome of a replay record, so `events list --outcome replayed` finds every replay. */
export const REPLAYED = 'replayed';

const REPLAY_SUFFIX = /\/replay-(\d+)$/;

/** `<request id>/replay-<n>`: the replay's own request id in the trail, which also keeps the replay count. */
export function replayRequestId(originalRequestId: string, replay: number): string {
  return `${originalRequestId}/replay-${replay}`;
}

/** The request a replay record stands for, so replaying a replay counts on from the same original. */
export function originalRequestId(requestId: string): string {
  return requestId.replace(REPLAY_SUFFIX, '');
}

/**
 * The next replay number of a request: one past the last replay the trail holds. Counted in the trail, not in a
 * local file, so replays made from another machine against the same trail count on rather than collide.
 */
export async function nextReplay(store: Pick<TrailStore, 'findIntake'>, requestId: string): Promise<number> {
  const original = originalRequestId(requestId);
  let replay = 1;
  while (await store.findIntake(replayRequestId(original, replay))) replay += 1;
  return replay;
}

export interface ReplayPlan {
  replay: number;
  eventId: string;
  /** Ready to queue: the current rules' commands, each with its replay id. */
  envelopes: Envelope[];
  /** Every rule's decision (explain mode), as `rules test` prints it. */
  trace: RuleTrace[];
  /** The trail record of this replay; written before anything is queued (see the CLI). */
  record: IntakeRecord;
}

export interface ReplayInput {
  intake: IntakeRecord;
  eventId: string;
  source: ReplaySource;
  replay: number;
  now: Date;
}

export async function planReplay(input: ReplayInput): Promise<ReplayPlan> {
  const { intake, eventId, source, replay, now } = input;
  // Events are recorded only once the request's signature was verified: a refused request (bad signature,
  // unknown source) has none, and rerunning its unverified body would let anyone who can reach the webhook
  // URL write to Userflow through an operator's replay.
  const recorded = intake.events.find((event) => event.id === eventId);
  if (!recorded) {
    throw new TrailError(
      'event_not_replayable',
      `request ${intake.requestId} (${intake.outcome}) holds no verified event ${eventId}; only verified events can be replayed`,
    );
  }
  if (!intake.body.stored) {
    throw new TrailError(
      'body_not_stored',
      `the body of event ${eventId} was not stored (${intake.body.reason === 'too_large' ? `${intake.body.size} bytes, over the trail's body limit` : 'body storage is off for this source'}), so it cannot be replayed`,
    );
  }
  const body = parseJsonBody(Buffer.from(intake.body.text, 'utf8'));
  const event = source.splitEvents(body, intake.headers).find((candidate) => candidate.id === eventId);
  if (!event) {
    throw new TrailError(
      'event_not_replayable',
      `the current rules of ${source.name} no longer find event ${eventId} in its stored body`,
    );
  }
  // The original receivedAt: templates that stamp it (`{{receivedAt}}`) say when the event happened.
  const evaluation = await source.evaluate(event, new Date(intake.receivedAt), { explain: true });
  const envelopes = evaluation.envelopes.map((envelope) => ({
    ...envelope,
    id: replayCommandId(envelope.id, replay),
  }));
  const replayed: TrailEvent = {
    id: eventId,
    ...(event.type !== undefined ? { type: event.type } : {}),
    outcome: 'accepted',
    rules: evaluation.trace.map(ruleDecision),
    commands: envelopes.map(trailCommandOf),
  };
  const retentionSeconds = intake.expiresAt - Math.floor(Date.parse(intake.receivedAt) / 1000);
  return {
    replay,
    eventId,
    envelopes,
    trace: evaluation.trace,
    record: {
      requestId: replayRequestId(originalRequestId(intake.requestId), replay),
      source: intake.source,
      receivedAt: now.toISOString(),
      status: 202,
      outcome: REPLAYED,
      eventIds: [eventId],
      headers: intake.headers,
      body: intake.body,
      events: [replayed],
      expiresAt: Math.floor(now.getTime() / 1000) + Math.max(retentionSeconds, 0),
    },
  };
}

export interface ReplayEventInput {
  store: Pick<TrailStore, 'findIntake' | 'putIntake'>;
  intake: IntakeRecord;
  eventId: string;
  source: ReplaySource;
  /** Puts the planned commands on the queue deliveries read (local or SQS); not called on a dry run. */
  send: (envelopes: readonly Envelope[]) => Promise<void>;
  dryRun: boolean;
  now: Date;
}

/**
 * One replay, as `events replay` and the console's Replay button run it: plan under the current rules, then,
 * unless it is a dry run, record the replay in the trail and queue its commands. Refusals are `TrailError`s
 * (`body_not_stored`, `event_not_replayable`) thrown before anything is written.
 */
export async function replayEvent(input: ReplayEventInput): Promise<ReplayPlan> {
  const { store, intake } = input;
  const plan = await planReplay({
    intake,
    eventId: input.eventId,
    source: input.source,
    replay: await nextReplay(store, intake.requestId),
    now: input.now,
  });
  if (input.dryRun) return plan;
  // Recorded before queueing: the record is the replay counter, so if the trail cannot take it the replay stops
  // here, rather than queueing commands whose ids the next replay would reuse and so be dropped as duplicates.
  await store.putIntake(plan.record);
  if (plan.envelopes.length > 0) await input.send(plan.envelopes);
  return plan;
}

/** The event id itself, or the one event of the request a request id or command id named; undefined if ambiguous. */
export function replayableEvent(intake: IntakeRecord, id: string): string | undefined {
  if (intake.events.some((event) => event.id === id) || intake.eventIds.includes(id)) return id;
  const [only, ...others] = intake.events;
  if (only && others.length === 0) return only.id;
  if (!only) return intake.eventIds[0] ?? id;
  return undefined;
}
