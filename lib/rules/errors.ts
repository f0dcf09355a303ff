// The rules engine's typed errors: a body whose shape the source's `event` block cannot read.
import { BridgeError } from '../errors.ts';

/** The body is valid JSON but not the shape the source expects (no event id, object vs array, …): HTTP 400. */
export class EventShapeError extends BridgeError {
  constructor(message: string) {
    super('malformed_event', message, { retryable: false, status: 400 });
  }
}
