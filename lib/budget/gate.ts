// One class's gate in one process: the RateGate a caller draws on. It leases small blocks of tokens from the
// budget (one store write per block, not per call), hands them to waiting callers in order, and carries the
// outcomes of its calls back with the next lease, so discovery sees every process's successes and 429s.

import type { RateGate, RateSnapshot, Ticket } from '../deliver/rate-gate.ts';
import type { LeaseRequest, LeaseResult } from './allocation.ts';
import type { BudgetClass } from './classes.ts';
import type { Throttle } from './rate-discovery.ts';

export type Clock = () => number;
export type Sleep = (ms: number) => Promise<void>;

export interface GateHost {
  lease(request: LeaseRequest): Promise<LeaseResult>;
  /** The last state any lease of this process saw. */
  rate(): LeaseResult['rate'];
  ceilingPerSecond(): number;
  clock: Clock;
  sleep: Sleep;
  defaultPauseMs: number;
}

interface Waiter {
  since: number;
  resolve: (ticket: Ticket) => void;
  reject: (error: unknown) => void;
}

// A lease asks for at most a tenth of a second of the rate; tokens not used within a second are dropped, so a
// process that went quiet does not hold on to what others could use.
const BLOCK_MS = 100;
const TOKEN_LIFETIME_MS = 1_000;
const MAX_WAIT_SAMPLES = 1_000;
const MIN_WANT = 1;

export class BudgetGate implements RateGate {
  readonly #host: GateHost;
  readonly #class: BudgetClass;
  readonly #waiters: Waiter[] = [];
  #tokens = 0;
  #tokensExpireAt = 0;
  #pausedUntil = 0;
  #pumping = false;
  #successes = 0;
  #throttles: Throttle[] = [];
  #waits: number[] = [];

  constructor(host: GateHost, budgetClass: BudgetClass) {
    this.#host = host;
    this.#class = budgetClass;
  }

  get budgetClass(): BudgetClass {
    return this.#class;
  }

  acquire(): Promise<Ticket> {
    const now = this.#host.clock();
    if (this.#waiters.length === 0 && this.#hasToken(now)) return Promise.resolve(this.#grant(now, now));
    return new Promise<Ticket>((resolve, reject) => {
      this.#waiters.push({ since: now, resolve, reject });
      void this.#pump();
    });
  }

  onSuccess(_ticket: Ticket): void {
    this.#successes += 1;
  }

  onThrottle(ticket: Ticket, retryAfterMs?: number): void {
    const now = this.#host.clock();
    const pause = retryAfterMs !== undefined && retryAfterMs >= 0 ? retryAfterMs : this.#host.defaultPauseMs;
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pause);
    this.#tokens = 0;
    this.#throttles.push({
      grantedAt: ticket.grantedAt,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
    // Tell the budget at once, so every other caller pauses too and the cut measures what was accepted up to now:
    // a pump waiting out the pause would carry it only a Retry-After later.
    void this.#report().catch(() => undefined);
  }

  snapshot(): RateSnapshot {
    const rate = this.#host.rate();
    const now = this.#host.clock();
    const pausedUntil = Math.max(rate.pausedUntil, this.#pausedUntil);
    const queued = this.#waiters.length - (this.#hasToken(now) ? this.#tokens : 0);
    return {
      ratePerSecond: rate.ratePerSecond,
      ceilingPerSecond: this.#host.ceilingPerSecond(),
      ...(rate.lastThrottleRate === undefined ? {} : { lastThrottleRate: rate.lastThrottleRate }),
      pausedUntil,
      nextGrantAt: Math.max(now, pausedUntil) + (Math.max(0, queued) * 1000) / rate.ratePerSecond,
      throttles: rate.throttles,
    };
  }

  /** Milliseconds each call waited in the budget since the last drain (for BudgetWaitMs). */
  drainWaits(): number[] {
    const waits = this.#waits;
    this.#waits = [];
    return waits;
  }

  #hasToken(now: number): boolean {
    return this.#tokens >= 1 && now < this.#tokensExpireAt && now >= this.#pausedUntil;
  }

  #grant(now: number, since: number): Ticket {
    this.#tokens -= 1;
    if (this.#waits.length < MAX_WAIT_SAMPLES) this.#waits.push(now - since);
    return { grantedAt: now };
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#waiters.length > 0) {
        const now = this.#host.clock();
        if (now < this.#pausedUntil) {
          await this.#host.sleep(this.#pausedUntil - now);
          continue;
        }
        if (this.#hasToken(now)) {
          const waiter = this.#waiters.shift() as Waiter;
          waiter.resolve(this.#grant(now, waiter.since));
          continue;
        }
        const result = await this.#report(this.#waiters.length);
        if (result.granted > 0) {
          this.#tokens = result.granted;
          this.#tokensExpireAt = this.#host.clock() + TOKEN_LIFETIME_MS;
        } else {
          await this.#host.sleep(Math.max(1, result.retryAt - this.#host.clock()));
        }
      }
    } catch (error) {
      // A stopping process (its sleep rejects): every waiting caller gets the error.
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    } finally {
      this.#pumping = false;
    }
  }

  async #report(waiting = 0): Promise<LeaseResult> {
    // MIN_WANT above 1 would let a slow store see more demand, but overshoots discovery in process (open).
    const block = Math.max(MIN_WANT, Math.ceil((this.#host.rate().ratePerSecond * BLOCK_MS) / 1000));
    const request: LeaseRequest = {
      class: this.#class,
      want: Math.min(waiting, block),
      successes: this.#successes,
      throttles: this.#throttles,
    };
    this.#successes = 0;
    this.#throttles = [];
    return this.#host.lease(request);
  }
}
