// The rate gate a deliver handler builds for itself when it is given none: an AdaptiveTokenBucket whose ceiling is
// the configured limit ÷ the event source's maximum concurrency.
//
// In Lambda one environment runs one batch at a time, so that ceiling is all there is. A local process (the poller
// of `npm start`, the test rigs, the benches) plays every consumer with one handler, so its ceiling grows with the
// batches it sees in flight at once, up to the whole limit.
import type { RateGate } from './rate-gate.ts';
import {
  type AdaptiveRateOptions,
  AdaptiveTokenBucket,
  type Clock,
  type RateSnapshot,
  type Sleep,
  type Ticket,
} from './token-bucket.ts';

export interface ConsumerRate {
  /** Userflow's account-wide limit as configured (requests per second). */
  limitPerSecond: number;
  /** The event source's maximum concurrency: how many consumers share the limit. */
  maxConcurrency: number;
  /** Tuning of the adaptive limiter (decrease factors, recovery time, floor). */
  tuning?: Partial<Omit<AdaptiveRateOptions, 'ceilingPerSecond' | 'clock' | 'sleep'>>;
}

export class ConsumerGate implements RateGate {
  readonly #bucket: AdaptiveTokenBucket;
  readonly #perConsumer: number;
  readonly #maxConcurrency: number;
  #inFlight = 0;
  #consumers = 1;

  constructor(rate: ConsumerRate, clock: Clock, sleep: Sleep) {
    if (!(rate.limitPerSecond > 0) || !(rate.maxConcurrency >= 1)) {
      throw new RangeError('rate.limitPerSecond must be > 0 and rate.maxConcurrency ≥ 1');
    }
    this.#perConsumer = rate.limitPerSecond / rate.maxConcurrency;
    this.#maxConcurrency = rate.maxConcurrency;
    this.#bucket = new AdaptiveTokenBucket({
      ...rate.tuning,
      ceilingPerSecond: this.#perConsumer,
      clock,
      sleep,
    });
  }

  /** A batch starts; call the returned function when it ends. */
  enterBatch(): () => void {
    this.#inFlight += 1;
    if (this.#inFlight > this.#consumers && this.#consumers < this.#maxConcurrency) {
      this.#consumers = Math.min(this.#inFlight, this.#maxConcurrency);
      this.#bucket.setCeiling(this.#perConsumer * this.#consumers);
    }
    return () => {
      this.#inFlight -= 1;
    };
  }

  acquire(): Promise<Ticket> {
    return this.#bucket.acquire();
  }

  onSuccess(ticket: Ticket): void {
    this.#bucket.onSuccess(ticket);
  }

  onThrottle(ticket: Ticket, retryAfterMs?: number): void {
    this.#bucket.onThrottle(ticket, retryAfterMs);
  }

  snapshot(): RateSnapshot {
    return this.#bucket.snapshot();
  }
}
