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

// Live webhooks are what a user is waiting on; a sync backlog must still move, so it keeps a tenth.
export const DEFAULT_CLASS_POLICIES: ClassPolicies = {
  live: { priority: 0, minShare: 0 },
  agent: { priority: 1, minShare: 0 },
  cli: { priority: 1, minShare: 0 },
  watch: { priority: 2, minShare: 0 },
  sync: { priority: 3, minShare: 0.1 },
  replay: { priority: 4, minShare: 0 },
};

/** The defaults with some minimum shares replaced (e.g. `--sync-share`); the shares must leave room for the rest. */
export function classPolicies(minShares: Partial<Record<BudgetClass, number>> = {}): ClassPolicies {
  const policies = { ...DEFAULT_CLASS_POLICIES };
  for (const [name, share] of Object.entries(minShares) as [BudgetClass, number][]) {
    if (!(share >= 0 && share < 1)) throw new RangeError(`the ${name} minimum share must be 0 to <1`);
    policies[name] = { ...policies[name], minShare: share };
  }
  const total = Object.values(policies).reduce((sum, p) => sum + p.minShare, 0);
  if (total >= 1) throw new RangeError('the minimum shares must add up to less than 1');
  return policies;
}
