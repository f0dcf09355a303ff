// One Userflow budget as one process sees it: the gates of its classes, the store they lease from, and the
// conservative slice it falls back to when the store cannot be reached (never unlimited).
import { type AllocationPolicy, type LeaseRequest, type LeaseResult, lease } from './allocation.ts';
import { type BudgetClass, type ClassPolicies, classPolicies } from './classes.ts';
import { BudgetGate, type Clock, type GateHost, type Sleep } from './gate.ts';
import { type LeaseStore, memoryLeaseStore } from './lease-store.ts';
import { DEFAULT_DISCOVERY, type DiscoveryPolicy, initialRate, type RateState } from './rate-discovery.ts';

export interface BudgetOptions {
  store: LeaseStore;
  classes?: ClassPolicies;
  discovery?: Partial<DiscoveryPolicy>;
  /**
   * Calls per second this process allows itself while the store cannot be reached: its slice of the last known
   * rate (or of the ceiling), as small as the number of processes that may share the budget requires.
   */
  fallbackPerSecond: number;
  /** How long after a store failure the store is tried again (default 10 s). */
  retryStoreMs?: number;
  onStoreError?: (error: unknown) => void;
  clock?: Clock;
  sleep?: Sleep;
}

export interface BudgetSnapshot {
  ratePerSecond: number;
  ceilingPerSecond?: number;
  /** The rate at which the last 429 came, once one has. */
  lastThrottleRate?: number;
  throttles: number;
  /** True while the store is unreachable and this process runs on its fallback slice. */
  fallback: boolean;
}

export class Budget {
  readonly #store: LeaseStore;
  readonly #policy: AllocationPolicy;
  readonly #fallbackPolicy: AllocationPolicy;
  readonly #fallbackStore = memoryLeaseStore();
  readonly #retryStoreMs: number;
  readonly #onStoreError: (error: unknown) => void;
  readonly #gates = new Map<BudgetClass, BudgetGate>();
  readonly #host: GateHost;
  #rate: RateState;
  #storeDownUntil = 0;

  constructor(options: BudgetOptions) {
    if (!(options.fallbackPerSecond > 0)) throw new RangeError('fallbackPerSecond must be > 0');
    const discovery = { ...DEFAULT_DISCOVERY, ...options.discovery };
    const classes = options.classes ?? classPolicies();
    this.#store = options.store;
    this.#policy = { classes, discovery };
    const fallbackCeiling = Math.min(options.fallbackPerSecond, discovery.ceilingPerSecond ?? Infinity);
    this.#fallbackPolicy = { classes, discovery: { ...discovery, ceilingPerSecond: fallbackCeiling } };
    this.#retryStoreMs = options.retryStoreMs ?? 10_000;
    this.#onStoreError = options.onStoreError ?? (() => undefined);
    this.#rate = initialRate(discovery);
    const clock = options.clock ?? Date.now;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.#host = {
      lease: (request) => this.#lease(request),
      rate: () => this.#rate,
      ceilingPerSecond: () => this.#policy.discovery.ceilingPerSecond ?? Number.POSITIVE_INFINITY,
      clock,
      sleep,
      defaultPauseMs: discovery.defaultPauseMs,
    };
  }

  /** The gate of one class; the same object for every caller of that class in this process. */
  gate(budgetClass: BudgetClass): BudgetGate {
    let gate = this.#gates.get(budgetClass);
    if (!gate) {
      gate = new BudgetGate(this.#host, budgetClass);
      this.#gates.set(budgetClass, gate);
    }
    return gate;
  }

  gates(): BudgetGate[] {
    return [...this.#gates.values()];
  }

  snapshot(): BudgetSnapshot {
    const ceiling = this.#policy.discovery.ceilingPerSecond;
    return {
      ratePerSecond: this.#rate.ratePerSecond,
      ...(ceiling === undefined ? {} : { ceilingPerSecond: ceiling }),
      ...(this.#rate.lastThrottleRate === undefined ? {} : { lastThrottleRate: this.#rate.lastThrottleRate }),
      throttles: this.#rate.throttles,
      fallback: this.#host.clock() < this.#storeDownUntil,
    };
  }

  /** The snapshot after reading the shared state afresh: what every process of the budget did lately. */
  async read(): Promise<BudgetSnapshot> {
    await this.#lease({ class: 'live', want: 0, successes: 0, throttles: [] });
    return this.snapshot();
  }

  async close(): Promise<void> {
    await this.#store.close?.();
  }

  async #lease(request: LeaseRequest): Promise<LeaseResult> {
    const clock = this.#host.clock;
    if (clock() >= this.#storeDownUntil) {
      try {
        const result = await this.#store.update((state) => lease(state, request, clock(), this.#policy));
        this.#rate = result.rate;
        return result;
      } catch (error) {
        this.#storeDownUntil = clock() + this.#retryStoreMs;
        this.#onStoreError(error);
      }
    }
    // The outcomes are reported to the fallback instead: its own discovery backs off under the slice on 429s.
    const result = await this.#fallbackStore.update((state) =>
      lease(state, request, clock(), this.#fallbackPolicy),
    );
    this.#rate = result.rate;
    return result;
  }
}
