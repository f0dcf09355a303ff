// Sender-event dedupe with Powertools idempotency: the unit of work (rules + enqueue) runs at most once per
// source + event id while its record lives; a failed unit leaves no record, so the sender's retry runs it again.
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyUnknownError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { SENDER_RETRY_WINDOW_SECONDS } from '../policy.ts';
import { IngestError } from './errors.ts';

/** What a unit of work stores, and what a replay gets back. JSON, because the record keeps it. */
export interface EventResult {
  /** Ids of the commands the event produced (queued by the first delivery). */
  commands: string[];
}

export interface DedupeOptions {
  persistence: BasePersistenceLayer;
  /** How long an accepted event id is remembered. Stripe retries for 3 days, so at least that. */
  ttlSeconds: number;
  /**
   * How long an in-progress record blocks others before it counts as abandoned (a crashed invocation), after
   * which a retry may run the event again. Longer than one request may take.
   */
  inProgressSeconds: number;
}

export type Dedupe = (
  key: { source: string; eventId: string },
  work: () => Promise<EventResult>,
) => Promise<{ result: EventResult; duplicate: boolean }>;

/** Replays are told apart by the response hook, which Powertools calls only for a stored record. */
const REPLAY = '__replay';

export const MIN_TTL_SECONDS = SENDER_RETRY_WINDOW_SECONDS;

/**
 * Every ingest record's key starts `ingest#`: the table is shared with deliver, and the stack's IAM condition
 * (`dynamodb:LeadingKeys`) confines each function to its own prefix.
 */
export const INGEST_KEY_PREFIX = 'ingest';

export function createDedupe(options: DedupeOptions): Dedupe {
  if (options.ttlSeconds < MIN_TTL_SECONDS) {
    throw new RangeError(`idempotency TTL must be at least ${MIN_TTL_SECONDS} s (senders retry for 3 days)`);
  }
  const config = new IdempotencyConfig({
    expiresAfterSeconds: options.ttlSeconds,
    hashFunction: 'sha256',
    responseHook: (response) => ({ ...(response as object), [REPLAY]: true }),
  });
  // Powertools sets the in-progress expiry from the Lambda's remaining time; outside a handler there is none,
  // so a fixed budget stands in (and stops Powertools warning on every call).
  const remaining = options.inProgressSeconds * 1000;
  config.registerLambdaContext({ getRemainingTimeInMillis: () => remaining } as Context);

  return async (key, work) => {
    const once = makeIdempotent(async (_key: { source: string; eventId: string }) => work(), {
      persistenceStore: options.persistence,
      config,
      keyPrefix: INGEST_KEY_PREFIX,
    });
    let stored: Record<string, unknown>;
    try {
      stored = (await once({ source: key.source, eventId: key.eventId })) as unknown as Record<
        string,
        unknown
      >;
    } catch (error) {
      throw fromIdempotencyError(error, options.inProgressSeconds);
    }
    const commands = Array.isArray(stored.commands)
      ? stored.commands.filter((id) => typeof id === 'string')
      : [];
    // A record written by another version without `commands` still counts as accepted: its event is done.
    return { result: { commands }, duplicate: stored[REPLAY] === true };
  };
}

/** Errors of the unit of work pass through untouched; only the idempotency layer's own are translated. */
function fromIdempotencyError(error: unknown, inProgressSeconds: number): unknown {
  if (error instanceof IdempotencyAlreadyInProgressError) {
    return new IngestError('event_in_progress', 'this event is being processed by another request', {
      cause: error,
      retryAfterSeconds: Math.min(inProgressSeconds, 30),
    });
  }
  if (error instanceof IdempotencyUnknownError) {
    return new IngestError('idempotency_unavailable', 'the idempotency store is unavailable', {
      cause: error,
    });
  }
  return error;
}
