// The ingest pipeline without HTTP: verify the raw bytes, parse, split, then per event dedupe(rules + enqueue).
// Returns an outcome (success or a typed error) with a per-event summary for the request log.
import type { Envelope } from '../commands/index.ts';
import { BridgeError } from '../errors.ts';
import { SQS_MAX_MESSAGE_BYTES } from '../queue/batching.ts';
import type { Queue } from '../queue/queue.ts';
import { isSkipped } from '../rules/decisions.ts';
import type { CompiledSource, RuleTrace, SenderEvent } from '../rules/types.ts';
import type { SecretSource } from '../secrets/index.ts';
import { createVerifier, type Verifier, verifiedHeaders, type WebhookRequest } from '../sources/index.ts';
import type { Dedupe } from './dedupe.ts';
import { enqueue } from './enqueue.ts';
import { IngestError } from './errors.ts';
import { decodeBody, parseJsonText } from './parse-body.ts';

/**
 * What ingest needs of a compiled source: the rules engine's `CompiledSource` is one. `rules` (to record every
 * rule's decision, not only those that fired) and `trail` (the rule file's privacy settings) are read by the
 * trail only, so a source without them still ingests.
 */
export type IngestSource = Pick<CompiledSource, 'name' | 'verify' | 'splitEvents' | 'evaluate'> &
  Partial<Pick<CompiledSource, 'rules' | 'trail'>>;

/** What ingest needs of a rule set: the rules engine's `RuleSet` is one. */
export interface IngestRules {
  get(source: string): IngestSource | undefined;
}

export interface PipelineDeps {
  secrets: SecretSource;
  queue: Queue;
  dedupe: Dedupe;
  clock: () => Date;
  /** Events one request may carry; more is refused before any is processed. */
  maxEvents: number;
}

/** A large batch gives the event loop back this often, so one sender's batch cannot stall the others. */
const YIELD_EVERY_EVENTS = 50;

/** The 202 body every sender gets (accepted count, command ids, duplicates), plus batch totals. */
export interface AcceptedBody {
  /** Commands the request's events produced (for a duplicate: what its first delivery queued). */
  accepted: number;
  commands: string[];
  /** True when every event of the request had been accepted before (status 200); nothing was queued. */
  duplicate: boolean;
  /** Events in the request (HubSpot batches carry several). */
  events: number;
  /** How many of them had been accepted before. */
  duplicates: number;
  /**
   * Per event, in request order: how many rules matched it but produced nothing (a value evaluated to nothing),
   * so a sender or an operator sees a skip that would otherwise hide behind `accepted: 0`.
   */
  rulesSkipped: { event: string; count: number }[];
}

/** `rejected`: the event can never be queued (`message_too_large`); the rest of the batch went on without it. */
export type EventOutcome = 'accepted' | 'duplicate' | 'failed' | 'rejected' | 'not_reached';

export interface EventSummary {
  id: string;
  type?: string;
  outcome: EventOutcome;
  commands: number;
  /** Rule traces, when the rules ran in this request (not for duplicates). */
  trace?: RuleTrace[];
  /** The commands the rules produced, when they ran in this request (for the trail). */
  envelopes?: readonly Envelope[];
}

export type IngestOutcome = (
  | { ok: true; status: 200 | 202; body: AcceptedBody; events: EventSummary[] }
  | { ok: false; error: BridgeError; events: EventSummary[] }
) & {
  /** The body as text, once it was decoded to be parsed: the trail keeps it rather than decoding it again. */
  bodyText?: string;
};

export type IngestPipeline = (source: IngestSource, request: WebhookRequest) => Promise<IngestOutcome>;

export function createIngestPipeline(deps: PipelineDeps): IngestPipeline {
  // Verifiers validate their config once; cache them per compiled source (a hot reload brings new objects).
  const verifiers = new WeakMap<IngestSource, Verifier>();
  const verifierFor = (source: IngestSource): Verifier => {
    let verifier = verifiers.get(source);
    if (!verifier) {
      verifier = createVerifier(source.verify);
      verifiers.set(source, verifier);
    }
    return verifier;
  };

  return async (source, request) => {
    const events: EventSummary[] = [];
    let bodyText: string | undefined;
    try {
      const receivedAt = deps.clock();
      const secrets = await secretsOf(deps.secrets, source.verify.secrets);
      verifierFor(source)(request, secrets, receivedAt);
      // Only now, with the bytes proven to come from the sender, is the body parsed.
      const headers = verifiedHeaders(source.verify, request);
      bodyText = decodeBody(request.rawBody);
      const senderEvents = source.splitEvents(parseJsonText(bodyText), headers);
      if (senderEvents.length > deps.maxEvents) throw tooManyEvents(senderEvents.length, deps.maxEvents);
      for (const event of senderEvents)
        events.push({ ...describe(event), outcome: 'not_reached', commands: 0 });
      const outcome = await processAll(deps, source, senderEvents, events, receivedAt);
      outcome.bodyText = bodyText;
      return outcome;
    } catch (error) {
      return {
        ok: false,
        error: asBridgeError(error),
        events,
        ...(bodyText === undefined ? {} : { bodyText }),
      };
    }
  };
}

/**
 * Events run one after another and stop at the first that cannot be completed: later events of a batch may
 * concern the same user, and queueing them ahead of a failed one would break per-user order. The completed
 * ones are remembered, so the sender's retry answers them as duplicates and resumes where this one stopped.
 * An event that can never be queued (too large) does not stop the batch: waiting on it would block every later
 * event forever. It is skipped, and the request answers 413 naming it once the others are done.
 */
async function processAll(
  deps: PipelineDeps,
  source: IngestSource,
  senderEvents: readonly SenderEvent[],
  events: EventSummary[],
  receivedAt: Date,
): Promise<IngestOutcome> {
  const commands: string[] = [];
  let duplicates = 0;
  const rejected: number[] = [];
  for (const [index, event] of senderEvents.entries()) {
    if (index > 0 && index % YIELD_EVERY_EVENTS === 0) await yieldToEventLoop();
    const summary = events[index] as EventSummary;
    let trace: RuleTrace[] | undefined;
    let produced: readonly Envelope[] | undefined;
    try {
      const { result, duplicate } = await deps.dedupe(
        { source: source.name, eventId: event.id },
        async () => {
          const evaluation = await source.evaluate(event, receivedAt);
          trace = evaluation.trace;
          produced = evaluation.envelopes;
          await enqueue(deps.queue, evaluation.envelopes);
          return { commands: evaluation.envelopes.map((envelope) => envelope.id) };
        },
      );
      summary.outcome = duplicate ? 'duplicate' : 'accepted';
      summary.commands = result.commands.length;
      if (trace) summary.trace = trace;
      if (produced) summary.envelopes = produced;
      if (duplicate) duplicates += 1;
      commands.push(...result.commands);
    } catch (error) {
      if (trace) summary.trace = trace;
      if (produced) summary.envelopes = produced;
      if (isPermanentForEvent(error)) {
        summary.outcome = 'rejected';
        rejected.push(index);
        continue;
      }
      summary.outcome = 'failed';
      return { ok: false, error: asBridgeError(error), events };
    }
  }
  if (rejected.length > 0) return { ok: false, error: tooLargeEvents(rejected, senderEvents.length), events };
  const allDuplicates = senderEvents.length > 0 && duplicates === senderEvents.length;
  return {
    ok: true,
    status: allDuplicates ? 200 : 202,
    body: {
      accepted: commands.length,
      commands,
      duplicate: allDuplicates,
      events: senderEvents.length,
      duplicates,
      rulesSkipped: events.map((event) => ({
        event: event.id,
        count: event.trace?.filter(isSkipped).length ?? 0,
      })),
    },
    events,
  };
}

/** Every name a source lists must resolve: a missing one is a deployment error, not a bad request. */
async function secretsOf(source: SecretSource, names: readonly string[]): Promise<string[]> {
  const lists = await Promise.all(names.map((name) => source.get(name)));
  return lists.flat();
}

function describe(event: SenderEvent): { id: string; type?: string } {
  return event.type === undefined ? { id: event.id } : { id: event.id, type: event.type };
}

/** Refused whole, before any event is processed: a sender splits a batch more easily than it resumes one. */
function tooManyEvents(count: number, max: number): IngestError {
  return new IngestError(
    'too_many_events',
    `the request carries ${count} events; at most ${max} are accepted per request`,
  );
}

/**
 * A macrotask turn, not a microtask: dedupe and send promises of a fast store resolve without ever letting
 * timers or other requests' I/O run in between.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function isPermanentForEvent(error: unknown): boolean {
  return error instanceof IngestError && error.code === 'message_too_large';
}

/** Positions, not ids or sizes, in the message: it reaches the sender, and positions say enough to find them. */
function tooLargeEvents(indexes: readonly number[], total: number): IngestError {
  const which = indexes.map((index) => index + 1).join(', ');
  const others = total > indexes.length ? '; the other events were processed' : '';
  return new IngestError(
    'message_too_large',
    `event ${which} of ${total} produces a command larger than one queue message (${SQS_MAX_MESSAGE_BYTES / 1024} KiB) and can never be queued${others}`,
  );
}

function asBridgeError(error: unknown): BridgeError {
  if (error instanceof BridgeError) return error;
  return new IngestError('internal_error', 'the request could not be processed', { cause: error });
}
