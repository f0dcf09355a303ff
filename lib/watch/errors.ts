// The watch's error family: an alert that could not be delivered, saying whether a later run may succeed.
import { BridgeError } from '../errors.ts';

export class AlertDeliveryError extends BridgeError {
  readonly attempts: number;
  readonly lastStatus: number | undefined;

  constructor(
    message: string,
    options: { retryable: boolean; attempts: number; lastStatus?: number; cause?: unknown },
  ) {
    super('alert_failed', message, { retryable: options.retryable, status: 502, cause: options.cause });
    this.attempts = options.attempts;
    this.lastStatus = options.lastStatus;
  }
}
