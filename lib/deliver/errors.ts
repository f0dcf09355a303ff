// Delivery's own failures (besides Userflow's): a bad envelope, a lookup that found no one, a batch stopped early.
import { BridgeError } from '../errors.ts';

export type DeliveryErrorCode =
  /** The message body is not a valid envelope: retrying cannot fix it. */
  | 'invalid_envelope'
  /** The rule asked to fail (`if_missing: fail`) when no Userflow user has the looked-up attribute value. */
  | 'lookup_not_found'
  /** More than one Userflow user has the looked-up value: which one is meant cannot be decided here. */
  | 'lookup_ambiguous'
  /** An earlier record of the batch got a 401; this one was not attempted and comes back later. */
  | 'batch_stopped';

const RETRYABLE: ReadonlySet<DeliveryErrorCode> = new Set(['batch_stopped']);

export class DeliveryError extends BridgeError {
  override readonly code: DeliveryErrorCode;

  constructor(code: DeliveryErrorCode, message: string, options: { cause?: unknown } = {}) {
    const retryable = RETRYABLE.has(code);
    super(code, message, { retryable, status: retryable ? 503 : 422, cause: options.cause });
    this.code = code;
  }
}
