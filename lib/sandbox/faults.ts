// Fault injection for reliability tests: a share of 500s and of slow responses, from an injected random source.

export interface FaultOptions {
  /** Share of requests answered 500 (0..1). */
  errorRate?: number;
  /** Share of requests delayed by `slowMs` (0..1). */
  slowRate?: number;
  slowMs?: number;
  /** When the 500 happens: before the request takes effect (default) or after it was applied. */
  errorTiming?: 'before' | 'after';
  /** Uniform in [0, 1); defaults to Math.random. */
  random?: () => number;
}

export interface FaultDecision {
  delayMs: number;
  error: 'before' | 'after' | undefined;
}

/** Pure given `random`: one draw for the delay and one for the error, so each rate holds independently. */
export function decideFault(options: FaultOptions | undefined): FaultDecision {
  if (!options) return { delayMs: 0, error: undefined };
  const random = options.random ?? Math.random;
  // Always two draws, in this order, so a scripted random source means the same thing whatever the rates.
  const slowDraw = random();
  const errorDraw = random();
  const slow = slowDraw < (options.slowRate ?? 0);
  const fail = errorDraw < (options.errorRate ?? 0);
  return {
    delayMs: slow ? (options.slowMs ?? 1000) : 0,
    error: fail ? (options.errorTiming ?? 'before') : undefined,
  };
}
