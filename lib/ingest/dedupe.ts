// Sender-event dedupe: the unit of work (rules + enqueue) runs at most once per source + event id while its
// record lives; a failed unit leaves no record, so the sender's retry runs it again.
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyUnknownError,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { runOnce } from '../idempotency/run-once.ts';
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
  const once = runOnce<{ source: string; eventId: string }, EventResult>({
    persistence: options.persistence,
    keyPrefix: INGEST_KEY_PREFIX,
    expiresAfterSeconds: options.ttlSeconds,
    inProgressMs: options.inProgressSeconds * 1000,
    hashFunction: 'sha256',
  });

  return async (key, work) => {
    let stored: { result: EventResult; replayed: boolean };
    try {
      // A fresh key object: the whole of it is hashed, so nothing but these two fields may be in it.
      stored = await once.run({ source: key.source, eventId: key.eventId }, work);
    } catch (error) {
      throw fromIdempotencyError(error, options.inProgressSeconds);
    }
    const commands = Array.isArray(stored.result?.commands)
      ? stored.result.commands.filter((id) => typeof id === 'string')
      : [];
    // A record written by another version without `commands` still counts as accepted: its event is done.
    return { result: { commands }, duplicate: stored.replayed };
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
