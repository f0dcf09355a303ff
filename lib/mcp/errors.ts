// The agent tools' error family: authentication of a principal, and the principals store itself.
import { BridgeError } from '../errors.ts';

export type PrincipalErrorCode =
  /** No token, or one that is not `ufb_…`. */
  | 'missing_token'
  /** A well-formed token no principal holds (never issued, or replaced by `rotate`). */
  | 'unknown_token'
  | 'expired_token'
  | 'revoked_token'
  /** `principals revoke|rotate <name>` named no principal. */
  | 'unknown_principal'
  /** A name with characters the trail and the CLI cannot carry plainly. */
  | 'invalid_principal_name'
  /** `principals create <name>` for a name that exists. */
  | 'principal_exists'
  /** The store could not be read or written. */
  | 'principals_unavailable';

const STATUS: Record<PrincipalErrorCode, number> = {
  missing_token: 401,
  unknown_token: 401,
  expired_token: 401,
  revoked_token: 401,
  unknown_principal: 404,
  invalid_principal_name: 400,
  principal_exists: 409,
  principals_unavailable: 503,
};

export class PrincipalError extends BridgeError {
  override readonly code: PrincipalErrorCode;

  constructor(code: PrincipalErrorCode, message: string, options: { cause?: unknown } = {}) {
    // Only an unreachable store may come back; a bad token stays bad.
    super(code, message, {
      retryable: code === 'principals_unavailable',
      status: STATUS[code],
      cause: options.cause,
    });
    this.code = code;
  }
}
