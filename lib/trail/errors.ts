// The trail's error family. A trail failure never decides a webhook's answer; callers log it and count it.
import { BridgeError } from '../errors.ts';

export type TrailErrorCode =
  /** The store could not be written or read (full disk, read-only file, DynamoDB down). */
  | 'trail_unavailable'
  /** `events show` found no record under that id. */
  | 'trail_not_found'
  /** `--trail` names no backend this build has (`dynamodb://<table>` or a SQLite file path). */
  | 'invalid_target'
  /** `events replay`: the intake kept only a digest of the body (too large, or storage off), so nothing to rerun. */
  | 'body_not_stored'
  /** `events replay`: the stored request holds no verified event with that id (refused, or the rules now split it otherwise). */
  | 'event_not_replayable';

const STATUS: Record<TrailErrorCode, number> = {
  trail_unavailable: 503,
  trail_not_found: 404,
  invalid_target: 400,
  body_not_stored: 409,
  event_not_replayable: 409,
};

export class TrailError extends BridgeError {
  override readonly code: TrailErrorCode;

  constructor(code: TrailErrorCode, message: string, options: { cause?: unknown } = {}) {
    // Unavailable is retryable (the store may come back); a missing record stays missing.
    super(code, message, {
      retryable: code === 'trail_unavailable',
      status: STATUS[code],
      cause: options.cause,
    });
    this.code = code;
  }
}
