// How the budget finds Userflow's unpublished limit: probe upward while the budget is what holds callers back,
// back off on a 429 to just under what the server actually accepted, then stay there and probe beyond only slowly.
//
// Before the first 429 the rate doubles per second of saturated time (slow start). A 429 sets the estimate of the
// limit (`wMax`) to what Userflow accepted and cuts the rate a little under it. Between two 429s with the budget
// holding callers back throughout, that is the successes since the last cut over the time since it, its pause
// included: a token bucket refills during the pause what it hands out after, so the burst that makes any few
// seconds' count too high is paid for by the pause. Otherwise it is the last seconds' successes.
// Recovery follows a cubic curve: quick back to the estimate, flat around it, beyond it only after a long while.
// Every 429 costs a Retry-After pause of every caller, so spending time just under the limit pays.

export interface DiscoveryPolicy {
  /** `USERFLOW_RATE_LIMIT` when set: the rate never exceeds it and starts there. */
  ceilingPerSecond?: number;
  /** Where an unknown limit is first probed from (default 5/s). */
  initialPerSecond: number;
  floorPerSecond: number;
  /** Rate after a 429, as a fraction of the limit estimate (default 0.95). */
  decrease: number;
  /** Saturated time to climb back to the estimate; as long again to probe 10% beyond (default 20 s). */
  recoveryMs: number;
  /** Saturated time per doubling before the first 429 (default 1 s). */
  doublingMs: number;
  /** Pause after a 429 without Retry-After (default 1 s). */
  defaultPauseMs: number;
}

export const DEFAULT_DISCOVERY: DiscoveryPolicy = {
  initialPerSecond: 5,
  floorPerSecond: 0.5,
  decrease: 0.95,
  recoveryMs: 20_000,
  doublingMs: 1_000,
  defaultPauseMs: 1_000,
};

export interface RateState {
  ratePerSecond: number;
  /** The estimate of the limit, once a 429 has been seen. */
  wMax?: number;
  /** The rate at which the last 429 came. */
  lastThrottleRate?: number;
  rateAfterDecrease: number;
  /** Saturated time since the last decrease. */
  busyMs: number;
  lastDecreaseAt: number;
  /** Calls that succeeded since the last decrease. */
  acceptedSinceDecrease: number;
  /** Nothing is granted before this (Retry-After). */
  pausedUntil: number;
  throttles: number;
}

export function initialRate(policy: DiscoveryPolicy): RateState {
  const start = policy.ceilingPerSecond ?? policy.initialPerSecond;
  return {
    ratePerSecond: start,
    rateAfterDecrease: start,
    busyMs: 0,
    lastDecreaseAt: 0,
    acceptedSinceDecrease: 0,
    pausedUntil: 0,
    throttles: 0,
  };
}

/** The rate kept within the floor and the ceiling (a ceiling lowered since the state was written applies at once). */
export function bounded(rate: number, policy: DiscoveryPolicy): number {
  const capped = policy.ceilingPerSecond === undefined ? rate : Math.min(rate, policy.ceilingPerSecond);
  return Math.max(policy.floorPerSecond, capped);
}

/** The budget, not the callers' demand, held calls back for `saturatedMs`: evidence that more may be possible. */
export function grow(state: RateState, saturatedMs: number, policy: DiscoveryPolicy): RateState {
  if (saturatedMs <= 0) return state;
  if (state.wMax === undefined) {
    const doubled = state.ratePerSecond * 2 ** (saturatedMs / policy.doublingMs);
    return { ...state, ratePerSecond: bounded(doubled, policy) };
  }
  const busyMs = state.busyMs + saturatedMs;
  const x = (busyMs - policy.recoveryMs) / policy.recoveryMs;
  const drop = state.wMax - state.rateAfterDecrease;
  return { ...state, busyMs, ratePerSecond: bounded(state.wMax + drop * x ** 3, policy) };
}

/** Calls that succeeded, reported with a lease. */
export function accept(state: RateState, successes: number): RateState {
  return successes > 0
    ? { ...state, acceptedSinceDecrease: (state.acceptedSinceDecrease ?? 0) + successes }
    : state;
}

export interface Throttle {
  /** When the throttled call was granted: calls granted before the last cut say nothing new. */
  grantedAt: number;
  retryAfterMs?: number;
}

/**
 * A 429. Retry-After always pauses the budget; the rate is cut once per congestion event: a call granted before
 * the last cut's pause ended belongs to that cut. `acceptedPerSecond` is what Userflow took in the last seconds
 * (undefined when nothing was measured).
 */
export function throttle(
  state: RateState,
  event: Throttle,
  now: number,
  acceptedPerSecond: number | undefined,
  policy: DiscoveryPolicy,
): RateState {
  const pause =
    event.retryAfterMs !== undefined && event.retryAfterMs >= 0 ? event.retryAfterMs : policy.defaultPauseMs;
  const paused = { ...state, pausedUntil: Math.max(state.pausedUntil, now + pause) };
  if (event.grantedAt <= state.lastDecreaseAt || event.grantedAt < state.pausedUntil) return paused;
  const sent = state.ratePerSecond;
  const measured = acceptedRateSinceCut(state, now) ?? acceptedPerSecond ?? sent;
  // What was accepted is the new estimate, lower or higher than the last: the limit may have moved either way.
  const wMax = Math.min(sent, measured);
  const rate = bounded(wMax * policy.decrease, policy);
  return {
    ...paused,
    wMax: Math.max(wMax, rate),
    lastThrottleRate: sent,
    ratePerSecond: rate,
    rateAfterDecrease: rate,
    busyMs: 0,
    lastDecreaseAt: now,
    acceptedSinceDecrease: 0,
    throttles: state.throttles + 1,
  };
}

// The interval since the last cut measures the limit only when it is long enough for one pause not to dominate
// and the budget, not demand, held the callers back for most of the time after the pause.
const MIN_INTERVAL_MS = 2_000;
const MIN_BUSY_SHARE = 0.8;

function acceptedRateSinceCut(state: RateState, now: number): number | undefined {
  if (state.throttles === 0) return undefined;
  const intervalMs = now - state.lastDecreaseAt;
  const afterPauseMs = now - state.pausedUntil;
  if (intervalMs < MIN_INTERVAL_MS || state.busyMs < MIN_BUSY_SHARE * afterPauseMs) return undefined;
  return ((state.acceptedSinceDecrease ?? 0) * 1000) / intervalMs;
}
