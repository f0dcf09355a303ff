// How a bench prints a figure: one JSON object per line on stdout, always with a `bench` name.

export function report(bench: string, figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench, ...figures })}\n`);
}

/** Percentile of an already sorted array of numbers (nearest-rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const round = (value: number, digits = 3): number => Number(value.toFixed(digits));
