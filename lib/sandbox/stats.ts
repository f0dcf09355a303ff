// Request counters for benches and tests: totals, by status, by route, 429s, injected faults, peak concurrency.

export interface SandboxStatsSnapshot {
  requests: number;
  byStatus: Record<string, number>;
  byRoute: Record<string, number>;
  rateLimited: number;
  /** 429s caused by the in-flight cap (also counted in `rateLimited`). */
  concurrencyLimited: number;
  faults: number;
  inFlight: number;
  maxInFlight: number;
}

export class SandboxStats {
  private requests = 0;
  private readonly byStatus = new Map<number, number>();
  private readonly byRoute = new Map<string, number>();
  private rateLimited = 0;
  private concurrencyLimited = 0;
  private faults = 0;
  private inFlight = 0;
  private maxInFlight = 0;

  started(): void {
    this.requests++;
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  finished(status: number, route: string | undefined): void {
    this.inFlight--;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (route) this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }

  limited(reason: 'rate' | 'concurrency'): void {
    this.rateLimited++;
    if (reason === 'concurrency') this.concurrencyLimited++;
  }

  fault(): void {
    this.faults++;
  }

  snapshot(): SandboxStatsSnapshot {
    return {
      requests: this.requests,
      byStatus: Object.fromEntries([...this.byStatus].map(([status, n]) => [String(status), n])),
      byRoute: Object.fromEntries(this.byRoute),
      rateLimited: this.rateLimited,
      concurrencyLimited: this.concurrencyLimited,
      faults: this.faults,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
    };
  }

  reset(): void {
    this.requests = 0;
    this.byStatus.clear();
    this.byRoute.clear();
    this.rateLimited = 0;
    this.concurrencyLimited = 0;
    this.faults = 0;
    this.maxInFlight = this.inFlight;
  }
}
