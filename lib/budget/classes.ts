// The budget's classes: who draws on the one Userflow budget, in which order, and what each is guaranteed.
import * as z from 'zod';

export const BUDGET_CLASSES = ['live', 'agent', 'cli', 'watch', 'sync', 'replay'] as const;
export type BudgetClass = (typeof BUDGET_CLASSES)[number];
export const budgetClassSchema = z.enum(BUDGET_CLASSES);

export interface ClassPolicy {
  /** Lower goes first: a hungry class of lower number holds back every class of higher number. */
  priority: number;
  /** Share of the current rate the class keeps while it has work, whatever goes first (0 ≤ share < 1). */
  minShare: number;
}

export type ClassPolicies = Record<BudgetClass, ClassPolicy>;

// Live webhooks are what a user is waiting on; a sync backlog must still move, so it keeps a tenth. Agents, the CLI
// and watches come after live traffic but keep a sliver each: without one, a `userflow get-user` during a live
// backlog would wait as long as the backlog lasts.
export const DEFAULT_CLASS_POLICIES: ClassPolicies = {
  live: { priority: 0, minShare: 0 },
  agent: { priority: 1, minShare: 0.05 },
  cli: { priority: 1, minShare: 0.05 },
  watch: { priority: 2, minShare: 0.02 },
  sync: { priority: 3, minShare: 0.1 },
  replay: { priority: 4, minShare: 0 },
};

// The minimum shares together leave this much of the rate to priority alone.
const MAX_TOTAL_SHARE = 0.95;

/**
 * The defaults with some minimum shares replaced (e.g. `--sync-share`). The shares given must add up to less than
 * 1; when the defaults beside them would take the total past 0.95, the defaults shrink in proportion to fit.
 */
export function classPolicies(minShares: Partial<Record<BudgetClass, number>> = {}): ClassPolicies {
  const given = Object.entries(minShares) as [BudgetClass, number][];
  for (const [name, share] of given) {
    if (!(share >= 0 && share < 1)) throw new RangeError(`the ${name} minimum share must be 0 to <1`);
  }
  const givenTotal = given.reduce((sum, [, share]) => sum + share, 0);
  if (givenTotal >= 1) throw new RangeError('the minimum shares must add up to less than 1');
  const defaults = BUDGET_CLASSES.filter((name) => !(name in minShares));
  const defaultTotal = defaults.reduce((sum, name) => sum + DEFAULT_CLASS_POLICIES[name].minShare, 0);
  const room = Math.max(0, MAX_TOTAL_SHARE - givenTotal);
  const scale = defaultTotal > room ? room / defaultTotal : 1;
  const policies = { ...DEFAULT_CLASS_POLICIES };
  for (const name of defaults) {
    policies[name] = { ...policies[name], minShare: policies[name].minShare * scale };
  }
  for (const [name, share] of given) policies[name] = { ...policies[name], minShare: share };
  return policies;
}
