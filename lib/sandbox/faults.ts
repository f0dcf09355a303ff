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

/** Pure: one draw for the delay and one for the error, so each rate holds independently. */
export function decideFault(options: FaultOptions | undefined): FaultDecision {
  if (!options) return { delayMs: 0, error: undefined };
  const random = options.random ?? Math.random;
  const slow = (options.slowRate ?? 0) > 0 && random() < (options.slowRate ?? 0);
  const fail = (options.errorRate ?? 0) > 0 && random() < (options.errorRate ?? 0);
  return {
    delayMs: slow ? (options.slowMs ?? 1000) : 0,
    error: fail ? (options.errorTiming ?? 'before') : undefined,
  };
}
