// The turn a client's every call waits for, and the answer it reports back: a class's gate of the one Userflow
// budget (lib/budget), so direct calls — the CLI, agent tools, watches — and deliveries draw on one limit.
// Structurally the delivery RateGate, declared here so the client depends on no caller of it.

export interface CallGate<T = unknown> {
  acquire(): Promise<T>;
  onSuccess(ticket: T): void;
  /** A 429; `retryAfterMs` is Userflow's Retry-After when it gave one. */
  onThrottle(ticket: T, retryAfterMs?: number): void;
}
