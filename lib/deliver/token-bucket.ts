// The consumer's adaptive rate: a token bucket whose rate backs off on 429 and recovers on success (CUBIC-style AIMD).
//
// Userflow does not publish its limit, so the configured rate is only a ceiling. A throttle cuts the rate
// multiplicatively and remembers where it happened (`wMax`); recovery then follows a cubic curve that is fast
// far below `wMax`, flat near it (where the limit probably is) and probes beyond it only slowly. Compared with a
// linear additive increase this spends most of the time just under the limit and hits it far less often —
// which matters because every 429 costs a Retry-After pause of the whole consumer.

export type Clock = () => number;
export type Sleep = (ms: number) => Promise<void>;

export interface AdaptiveRateOptions {
  /** Requests per second this consumer may never exceed (account limit ÷ max concurrency). */
  ceilingPerSecond: number;
  /** The rate never drops below this (default: ceiling ÷ 100, at least 0.2/s). */
  floorPerSecond?: number;
  /** Multiplicative decrease on a throttle once the limit has been found (default 0.8). */
  decrease?: number;
  /** Decrease on the first throttle ever, when the ceiling may be far above the real limit (default 0.5). */
  firstDecrease?: number;
  /** Seconds of busy time to climb back to the rate of the last throttle (default 10). */
  recoverySeconds?: number;
  /** Pause after a throttle that carried no Retry-After (default 1000 ms). */
  defaultPauseMs?: number;
  clock: Clock;
  sleep: Sleep;
}

/** Proof of a granted request; hand it back with the outcome so stale throttles are not counted twice. */
export interface Ticket {
  readonly grantedAt: number;
}

export interface RateSnapshot {
  ratePerSecond: number;
  ceilingPerSecond: number;
  /** Rate at the last throttle, once one has happened. */
  lastThrottleRate?: number;
  pausedUntil: number;
  /** When the next request could go if asked now (the pace and any pause included). */
  nextGrantAt: number;
  throttles: number;
}

// Growth counts at most this many request intervals between two successes, so idle time (no demand) does not
// count as evidence that the server copes with more.
const MAX_BUSY_GAP_INTERVALS = 2;
const MEASURE_WINDOW_MS = 1_000;

export class AdaptiveTokenBucket {
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #decrease: number;
  readonly #firstDecrease: number;
  readonly #recoveryMs: number;
  readonly #defaultPauseMs: number;
  readonly #floorOverride: number | undefined;
  #ceiling: number;
  #rate: number;
  #wMax: number | undefined;
  #rateAfterDecrease = 0;
  #busySinceDecreaseMs = 0;
  #lastSuccessAt: number | undefined;
  #lastDecreaseAt = Number.NEGATIVE_INFINITY;
  /** GCRA: the earliest time the next request may go. */
  #nextSlot = Number.NEGATIVE_INFINITY;
  #pausedUntil = Number.NEGATIVE_INFINITY;
  #grants: number[] = [];
  #firstGrantAt: number | undefined;
  #throttles = 0;

  constructor(options: AdaptiveRateOptions) {
    if (!(options.ceilingPerSecond > 0)) throw new RangeError('ceilingPerSecond must be > 0');
    this.#clock = options.clock;
    this.#sleep = options.sleep;
    this.#decrease = options.decrease ?? 0.8;
    this.#firstDecrease = options.firstDecrease ?? 0.5;
    this.#recoveryMs = (options.recoverySeconds ?? 10) * 1000;
    this.#defaultPauseMs = options.defaultPauseMs ?? 1000;
    this.#floorOverride = options.floorPerSecond;
    this.#ceiling = options.ceilingPerSecond;
    this.#rate = options.ceilingPerSecond;
  }

  get ratePerSecond(): number {
    return this.#rate;
  }

  snapshot(): RateSnapshot {
    return {
      ratePerSecond: this.#rate,
      ceilingPerSecond: this.#ceiling,
      ...(this.#wMax === undefined ? {} : { lastThrottleRate: this.#wMax }),
      pausedUntil: this.#pausedUntil,
      nextGrantAt: Math.max(this.#clock(), this.#nextSlot, this.#pausedUntil),
      throttles: this.#throttles,
    };
  }

  /** The ceiling may change while running (e.g. more concurrent consumers share one process). */
  setCeiling(perSecond: number): void {
    if (!(perSecond > 0)) throw new RangeError('ceiling must be > 0');
    const wasAtCeiling = this.#wMax === undefined && this.#rate === this.#ceiling;
    this.#ceiling = perSecond;
    this.#rate = wasAtCeiling ? perSecond : Math.min(this.#rate, perSecond);
  }

  /** Waits until one request may be sent: respects the current rate and any Retry-After pause. */
  async acquire(): Promise<Ticket> {
    for (;;) {
      const now = this.#clock();
      const slot = Math.max(now, this.#nextSlot, this.#pausedUntil);
      this.#nextSlot = slot + 1000 / this.#rate;
      if (slot > now) await this.#sleep(slot - now);
      // A throttle seen while we slept may have paused the bucket: queue again behind the pause.
      const after = this.#clock();
      if (after >= this.#pausedUntil) {
        this.#recordGrant(after);
        return { grantedAt: after };
      }
    }
  }

  onSuccess(_ticket: Ticket): void {
    const now = this.#clock();
    const gap = this.#lastSuccessAt === undefined ? 0 : now - this.#lastSuccessAt;
    this.#lastSuccessAt = now;
    if (this.#wMax === undefined) return; // never throttled: already at the ceiling
    this.#busySinceDecreaseMs += Math.min(Math.max(0, gap), (MAX_BUSY_GAP_INTERVALS * 1000) / this.#rate);
    this.#rate = Math.min(this.#ceiling, Math.max(this.#floor(), this.#cubic(this.#busySinceDecreaseMs)));
  }

  /**
   * A 429. The rate is cut once per congestion event: requests granted before the last cut were sent at the old
   * rate, so their 429s say nothing new. Retry-After is always honoured, by pausing every request of this bucket.
   */
  onThrottle(ticket: Ticket, retryAfterMs?: number): void {
    const now = this.#clock();
    const pause = retryAfterMs !== undefined && retryAfterMs >= 0 ? retryAfterMs : this.#defaultPauseMs;
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pause);
    if (ticket.grantedAt <= this.#lastDecreaseAt) return;
    this.#throttles += 1;
    const sent = Math.min(this.#rate, Math.max(this.#measuredRate(now), this.#floor()));
    const first = this.#wMax === undefined;
    // Fast convergence: a throttle below the previous peak means the limit moved down (or was overestimated).
    this.#wMax =
      !first && this.#wMax !== undefined && sent < this.#wMax ? (sent * (1 + this.#decrease)) / 2 : sent;
    this.#rate = Math.max(this.#floor(), sent * (first ? this.#firstDecrease : this.#decrease));
    this.#rateAfterDecrease = this.#rate;
    this.#busySinceDecreaseMs = 0;
    this.#lastDecreaseAt = now;
  }

  /** rate(t) = wMax + c·(t − K)³ with K = recovery time: concave up to wMax, convex beyond it. */
  #cubic(elapsedMs: number): number {
    const wMax = this.#wMax ?? this.#ceiling;
    const drop = wMax - this.#rateAfterDecrease;
    const x = (elapsedMs - this.#recoveryMs) / this.#recoveryMs;
    return wMax + drop * x ** 3;
  }

  #floor(): number {
    return this.#floorOverride ?? Math.max(0.2, this.#ceiling / 100);
  }

  #recordGrant(now: number): void {
    this.#firstGrantAt ??= now;
    this.#grants.push(now);
    const cutoff = now - MEASURE_WINDOW_MS;
    let drop = 0;
    while (drop < this.#grants.length && (this.#grants[drop] as number) <= cutoff) drop += 1;
    if (drop > 0) this.#grants.splice(0, drop);
  }

  /** Requests granted in the last second: what the server actually saw, when demand was below the rate. */
  #measuredRate(now: number): number {
    const cutoff = now - MEASURE_WINDOW_MS;
    let count = 0;
    for (const t of this.#grants) if (t > cutoff) count += 1;
    // Early on the window is not full yet: divide by the time actually observed.
    const observedMs = Math.min(MEASURE_WINDOW_MS, now - (this.#firstGrantAt ?? now));
    return observedMs <= 0 ? Number.POSITIVE_INFINITY : (count * 1000) / observedMs;
  }
}
