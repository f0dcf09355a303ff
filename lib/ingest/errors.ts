// The ingest app's own error family: what the ingest endpoints answer besides verifier, rules,
// queue and secrets errors, which carry their own code and status.
import { BridgeError } from '../errors.ts';

export type IngestErrorCode =
  /** No rule file declares this source (404). */
  | 'unknown_source'
  /** The source's scheme sends JSON and the request says it is something else (415). */
  | 'unsupported_media_type'
  /** The body is larger than the configured limit (413). */
  | 'payload_too_large'
  /** The request carries more events than the configured cap (413; the cap is in the message). */
  | 'too_many_events'
  /** The body is not UTF-8 JSON (400). */
  | 'malformed_json'
  /**
   * A command of the event cannot fit one SQS message (413). Permanent: the same event always produces the same
   * command, so a retry can never succeed.
   */
  | 'message_too_large'
  /** Another request is processing the same event right now (409, Retry-After). */
  | 'event_in_progress'
  /** The idempotency store could not be read or written (503). */
  | 'idempotency_unavailable'
  /** Any failure we did not anticipate (500); the log has the details. */
  | 'internal_error';

const STATUS: Record<IngestErrorCode, number> = {
  unknown_source: 404,
  unsupported_media_type: 415,
  payload_too_large: 413,
  too_many_events: 413,
  malformed_json: 400,
  message_too_large: 413,
  event_in_progress: 409,
  idempotency_unavailable: 503,
  internal_error: 500,
};

const RETRYABLE: ReadonlySet<IngestErrorCode> = new Set(['event_in_progress', 'idempotency_unavailable']);

export class IngestError extends BridgeError {
  override readonly code: IngestErrorCode;
  /** For 409/503: how long the sender should wait before retrying (the `Retry-After` header). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: IngestErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(code, message, { retryable: RETRYABLE.has(code), status: STATUS[code], cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
