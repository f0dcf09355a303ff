// Capped exponential backoff with full jitter, a pure function of attempt, base, cap and an injected random.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Returns [0, 1); injectable so tests pin it. */
  random: () => number;
}

/** Delay before retry number `attempt` (1 = the first retry). */
export function backoffDelayMs(attempt: number, { baseMs, capMs, random }: BackoffOptions): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
