// The port a caller draws on: one gate per budget class. Structurally the same as lib/deliver/rate-gate.ts, so a
// BudgetGate is handed to delivery as it is.
import type { RateSnapshot, Ticket } from '../deliver/token-bucket.ts';

export type { RateSnapshot, Ticket };

export interface RateGate {
  /** Waits until one Userflow call may be sent. */
  acquire(): Promise<Ticket>;
  onSuccess(ticket: Ticket): void;
  /** A 429: the budget backs off and every caller pauses for Retry-After. */
  onThrottle(ticket: Ticket, retryAfterMs?: number): void;
  snapshot(): RateSnapshot;
}
