// The budget's one step: a caller of some class asks for a block of tokens and reports what happened since it
// last asked. Pure (state in, state out, time passed in), so the same step runs in memory, in the local SQLite
// file and in DynamoDB.
//
// One shared bucket fills at the discovered rate. Classes take from it by priority, work-conserving: a class is
// held back only while a class before it is hungry (was refused lately), and then it still gets its minimum
// share (a credit filling at share × rate) and whatever the hungry class leaves lying above a small reserve.
import type { BudgetClass, ClassPolicies } from './classes.ts';
import {
  accept,
  bounded,
  type DiscoveryPolicy,
  grow,
  initialRate,
  type RateState,
  type Throttle,
  throttle,
} from './rate-discovery.ts';

export interface AllocationPolicy {
  classes: ClassPolicies;
  discovery: DiscoveryPolicy;
}

interface ClassState {
  credit: number;
  hungryUntil: number;
}

export interface BudgetState {
  rate: RateState;
  tokens: number;
  refilledAt: number;
  /** When the bucket was last found short: saturated time is measured between two such leases. */
  saturatedAt: number;
  classes: Partial<Record<BudgetClass, ClassState>>;
  /** Successful calls per 250 ms slot, the last ACCEPTED_WINDOW_MS of them: what Userflow accepted. */
  accepted: [slot: number, count: number][];
}

export interface LeaseRequest {
  class: BudgetClass;
  /** Tokens wanted now (0: only report). */
  want: number;
  /** Calls that succeeded since the last lease. */
  successes: number;
  throttles: Throttle[];
}

export interface LeaseResult {
  granted: number;
  /** When refused: when asking again may succeed. */
  retryAt: number;
  rate: RateState;
}

// The bucket holds a quarter second of calls: small bursts keep Userflow's own bucket from emptying.
const BURST_MS = 250;
// A lease hands out at least this much of the rate (50 ms) at once, so a shared store is written per block of
// calls, not per call.
const MIN_BLOCK_MS = 50;
const HUNGRY_MS = 500;
const SLOT_MS = 250;
const ACCEPTED_WINDOW_MS = 2_000;
const MAX_SATURATED_GAP_MS = 250;

export function initialState(policy: AllocationPolicy, now: number): BudgetState {
  const rate = initialRate(policy.discovery);
  return { rate, tokens: 0, refilledAt: now, saturatedAt: 0, classes: {}, accepted: [] };
}

export function capacity(ratePerSecond: number): number {
  return Math.max(1, (ratePerSecond * BURST_MS) / 1000);
}

export function minBlock(ratePerSecond: number): number {
  return Math.max(1, Math.floor((ratePerSecond * MIN_BLOCK_MS) / 1000));
}

export function lease(
  previous: BudgetState | undefined,
  request: LeaseRequest,
  now: number,
  policy: AllocationPolicy,
): { state: BudgetState; result: LeaseResult } {
  const state = refill(previous ?? initialState(policy, now), now, policy);
  record(state, request, now, policy);
  const own = classState(state, request.class);
  if (request.want <= 0) return done(state, 0, now);
  if (now < state.rate.pausedUntil) {
    own.hungryUntil = now + HUNGRY_MS;
    return done(state, 0, state.rate.pausedUntil);
  }

  const rate = state.rate.ratePerSecond;
  const mine = policy.classes[request.class];
  const others = Object.entries(state.classes) as [BudgetClass, ClassState][];
  const hungry = others.filter(([name, c]) => name !== request.class && c.hungryUntil > now);
  // Tokens kept for the minimum shares of other hungry classes.
  const kept = hungry.reduce((sum, [, c]) => sum + c.credit, 0);
  const free = state.tokens - kept;
  const heldBack = hungry.some(([name]) => policy.classes[name].priority < mine.priority);
  const reserve = capacity(rate) / 2;
  const allowed = heldBack ? Math.max(Math.min(own.credit, state.tokens), free - reserve) : free;
  const need = Math.min(request.want, minBlock(rate));
  const granted = Math.floor(allowed) >= need ? Math.min(request.want, Math.floor(allowed)) : 0;

  if (granted < request.want) {
    own.hungryUntil = now + HUNGRY_MS;
    // Short of tokens: the budget, not demand, is what limits the callers.
    const gap = Math.min(MAX_SATURATED_GAP_MS, now - state.saturatedAt);
    if (gap > 0) state.rate = grow(state.rate, gap, policy.discovery);
    state.saturatedAt = now;
  }
  if (granted === 0) {
    const perMs = rate / 1000;
    const byFree = now + (need - free + (heldBack ? reserve : 0)) / perMs;
    const byCredit =
      mine.minShare > 0 ? now + (need - own.credit) / (perMs * mine.minShare) : Number.POSITIVE_INFINITY;
    const retryAt = heldBack ? Math.min(byFree, byCredit) : byFree;
    // Ask again no later than the hunger of others runs out, and not sooner than a millisecond.
    return done(state, 0, Math.max(now + 1, Math.min(retryAt, now + HUNGRY_MS)));
  }
  state.tokens -= granted;
  own.credit = Math.max(0, own.credit - granted);
  return done(state, granted, now);
}

/** What Userflow accepted lately, per second (undefined before anything was measured). */
export function acceptedPerSecond(state: BudgetState, now: number): number | undefined {
  const from = now - ACCEPTED_WINDOW_MS;
  let count = 0;
  let oldest = now;
  for (const [slot, n] of state.accepted) {
    if (slot + SLOT_MS <= from) continue;
    count += n;
    oldest = Math.min(oldest, slot);
  }
  // A pause inside the window is time Userflow was not asked: leave it out.
  const since = Math.max(
    from,
    oldest,
    Number.isFinite(state.rate.pausedUntil) ? state.rate.pausedUntil : from,
  );
  const spanMs = now - since;
  return count === 0 || spanMs < SLOT_MS ? undefined : (count * 1000) / spanMs;
}

function refill(previous: BudgetState, now: number, policy: AllocationPolicy): BudgetState {
  const state: BudgetState = structuredClone(previous);
  state.rate = { ...state.rate, ratePerSecond: bounded(state.rate.ratePerSecond, policy.discovery) };
  const elapsed = Math.max(0, now - state.refilledAt);
  const added = (elapsed * state.rate.ratePerSecond) / 1000;
  const cap = capacity(state.rate.ratePerSecond);
  state.tokens = Math.min(cap, state.tokens + added);
  for (const [name, c] of Object.entries(state.classes) as [BudgetClass, ClassState][]) {
    c.credit = Math.min(cap, c.credit + added * policy.classes[name].minShare);
  }
  state.refilledAt = Math.max(state.refilledAt, now);
  return state;
}

function record(state: BudgetState, request: LeaseRequest, now: number, policy: AllocationPolicy): void {
  const from = now - ACCEPTED_WINDOW_MS - SLOT_MS;
  state.accepted = state.accepted.filter(([slot]) => slot > from);
  if (request.successes > 0) {
    const slot = now - (now % SLOT_MS);
    const last = state.accepted.at(-1);
    if (last && last[0] === slot) last[1] += request.successes;
    else state.accepted.push([slot, request.successes]);
    state.rate = accept(state.rate, request.successes);
  }
  for (const event of request.throttles) {
    state.rate = throttle(state.rate, event, now, acceptedPerSecond(state, now), policy.discovery);
    // Tokens handed out before a cut were sized for the old rate.
    if (state.rate.lastDecreaseAt === now) state.tokens = Math.min(state.tokens, 0);
  }
}

function classState(state: BudgetState, name: BudgetClass): ClassState {
  let c = state.classes[name];
  if (!c) {
    c = { credit: 0, hungryUntil: 0 };
    state.classes[name] = c;
  }
  return c;
}

function done(state: BudgetState, granted: number, retryAt: number) {
  return { state, result: { granted, retryAt, rate: state.rate } };
}
