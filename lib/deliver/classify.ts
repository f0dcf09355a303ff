// What a failed delivery means for its record: come back later, go to the DLQ, or stop the batch (bad API key).
// The one place that reads the error family; nothing else in delivery branches on statuses or error classes.
import { BridgeError } from '../errors.ts';
import {
  UserflowAuthenticationError,
  UserflowError,
  UserflowNetworkError,
  UserflowNotFoundError,
  UserflowRateLimitError,
} from '../userflow/index.ts';

interface FailureBase {
  /** Machine-readable, stable: becomes the DLQ reason and a log field. */
  reason: string;
  /** Safe to log: error messages never carry payloads or secrets. */
  message: string;
  /** Userflow's HTTP status, when Userflow answered. */
  status?: number;
  userflowCode?: string;
}

export type Failure =
  | (FailureBase & {
      kind: 'transient';
      /** A 429: the rate limiter must slow down. */
      throttled: boolean;
      /** The server's Retry-After, in ms. */
      retryAfterMs?: number;
      /**
       * The call timed out: Userflow may still apply it, later. Its user's group must hold back until it no longer
       * can (dispose.ts), and the retry re-sends the command's whole state.
       */
      outcomeUnknown?: true;
    })
  | (FailureBase & { kind: 'permanent' })
  /** A 401: the key is wrong for every record, so the batch stops and an alarm fires. */
  | (FailureBase & { kind: 'unauthorized' });

// Powertools idempotency signals another delivery of the same command in flight, or a store hiccup: both pass.
const TRANSIENT_POWERTOOLS = new Set([
  'IdempotencyAlreadyInProgressError',
  'IdempotencyInconsistentStateError',
  'IdempotencyPersistenceLayerError',
  'IdempotencyUnknownError',
]);

export function classifyFailure(error: unknown): Failure {
  if (error instanceof UserflowError) {
    const base = {
      reason: `userflow_${error.code}`,
      message: error.message,
      status: error.status,
      ...(error.userflowCode ? { userflowCode: error.userflowCode } : {}),
    };
    if (error instanceof UserflowAuthenticationError && error.code === 'unauthorized') {
      return { kind: 'unauthorized', ...base };
    }
    if (!error.retryable) return { kind: 'permanent', ...base };
    const { retryAfterSeconds } = error;
    return {
      kind: 'transient',
      ...base,
      throttled: error instanceof UserflowRateLimitError,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterMs: retryAfterSeconds * 1000 }),
      ...(error instanceof UserflowNetworkError && error.reason === 'timeout'
        ? { outcomeUnknown: true }
        : {}),
    };
  }
  if (error instanceof BridgeError) {
    const base = { reason: error.code, message: error.message };
    return error.retryable
      ? { kind: 'transient', throttled: false, ...base }
      : { kind: 'permanent', ...base };
  }
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  if (TRANSIENT_POWERTOOLS.has(name)) {
    return {
      kind: 'transient',
      throttled: false,
      reason: 'idempotency_store',
      message: `${name}: ${message}`,
    };
  }
  // A bug or an unknown failure: retry, and let the queue's maxReceiveCount dead-letter it if it never passes.
  return { kind: 'transient', throttled: false, reason: 'unexpected_error', message: `${name}: ${message}` };
}

/** A 404 from Userflow: for existence checks and deletes, an answer rather than a failure. */
export function isNotFound(error: unknown): boolean {
  return error instanceof UserflowNotFoundError;
}
