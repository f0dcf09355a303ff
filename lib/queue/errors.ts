// The queue adapters' one error family: what went wrong talking to a queue, and whether a retry can help.
import { BridgeError } from '../errors.ts';

export type QueueErrorCode =
  /** Some messages were not accepted after bounded retries (transient per-entry failures). */
  | 'queue_send_incomplete'
  /** The endpoint could not be reached (connection refused/reset, DNS, timeout). */
  | 'queue_unreachable'
  /** The queue service throttled us. */
  | 'queue_throttled'
  /** The queue service failed on its side (5xx). */
  | 'queue_unavailable'
  /** The queue refused the request or an entry for a reason a retry will not fix (SenderFault, bad parameters). */
  | 'queue_rejected'
  /** A single message is larger than one batch may be. */
  | 'message_too_large'
  /** `changeVisibility` on a message that is no longer in flight (deleted, or its visibility expired). */
  | 'message_not_in_flight';

const PERMANENT: ReadonlySet<QueueErrorCode> = new Set([
  'queue_rejected',
  'message_too_large',
  'message_not_in_flight',
]);

export interface QueueErrorOptions {
  cause?: unknown;
  /** Entries that were not accepted (their position in the `send` input), when the error is about a send. */
  failedIndexes?: readonly number[];
}

/**
 * Retryable codes carry status 503 (ingest answers 503, the sender retries, deterministic dedupe ids keep the
 * retry from duplicating what was already queued); permanent ones carry 500.
 */
export class QueueError extends BridgeError {
  override readonly code: QueueErrorCode;
  readonly failedIndexes: readonly number[];

  constructor(code: QueueErrorCode, message: string, options: QueueErrorOptions = {}) {
    const retryable = !PERMANENT.has(code);
    super(code, message, { retryable, status: retryable ? 503 : 500, cause: options.cause });
    this.code = code;
    this.failedIndexes = options.failedIndexes ?? [];
  }
}
