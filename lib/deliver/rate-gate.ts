// The port every Userflow call of delivery passes through: wait for a turn, then say how the call went.
// AdaptiveTokenBucket (token-bucket.ts) is one implementation; a budget shared with other callers can be another.
import type { RateSnapshot, Ticket } from './token-bucket.ts';

export type { RateSnapshot, Ticket };

export interface RateGate {
  /** Waits until one request may be sent. */
  acquire(): Promise<Ticket>;
  onSuccess(ticket: Ticket): void;
  /** A 429 for the request `ticket` granted; `retryAfterMs` is the server's Retry-After, when it gave one. */
  onThrottle(ticket: Ticket, retryAfterMs?: number): void;
  /** The gate's state: read before a record starts (pause, next grant) and for logs, benches and tests. */
  snapshot(): RateSnapshot;
}
