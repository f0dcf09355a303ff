// The one error a verifier throws: a 401 with a machine-readable reason and a message free of secrets.
import { BridgeError } from '../errors.ts';
import type { VerifyScheme } from './verify-config.ts';

/**
 * Why a request was rejected. Stable strings: callers may branch on them and they appear in logs and in
 * the HTTP error body.
 * - `missing_header`: a required header (or, for `shared-token` in query mode, the query parameter) is absent.
 * - `malformed_header`: present but unparseable (no timestamp, non-numeric timestamp, no signature of the
 *   scheme's version, bad base64 in `Authorization: Basic`, too many signatures, …).
 * - `bad_signature`: well formed, but no signature/token/credential matches any live secret.
 * - `stale_timestamp`: correctly signed, but older than the tolerance (a replay, or a very late retry).
 * - `future_timestamp`: correctly signed, but more than the tolerance ahead of our clock. Kept apart from
 *   `stale_timestamp` because it usually means clock skew on one side, which an operator fixes differently.
 * - `no_secret`: no usable secret is configured for the source (fails closed).
 */
export type SignatureFailureReason =
  | 'missing_header'
  | 'malformed_header'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'no_secret';

export class SignatureError extends BridgeError {
  readonly reason: SignatureFailureReason;
  readonly scheme: VerifyScheme;

  /** `message` must never contain a secret, a signature or a header value that carries either. */
  constructor(scheme: VerifyScheme, reason: SignatureFailureReason, message: string) {
    super(reason, `${scheme}: ${message}`, { retryable: false, status: 401 });
    this.reason = reason;
    this.scheme = scheme;
  }
}
