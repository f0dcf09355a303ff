// The shared budget's variables, one reading for every function that calls Userflow (deliver, MCP, watch): the
// stack sets the same values on each, since every lease applies its caller's ceiling and class shares.
import * as z from 'zod';

export const budgetEnvShape = {
  /**
   * A hard ceiling on Userflow's account-wide rate (requests per second). Unset, the shared budget discovers the
   * limit; without a budget table the per-consumer limiter needs it and takes DEFAULT_USERFLOW_RATE_LIMIT.
   */
  USERFLOW_RATE_LIMIT: z.coerce.number().positive().optional(),
  /** The DynamoDB budget table the stack's functions lease from (lib/budget). */
  BUDGET_TABLE: z.string().min(1).optional(),
  /** The sync class's minimum share of the budget while it has work. Unset: the class default. */
  BUDGET_SYNC_SHARE: z.coerce.number().min(0).lt(1).optional(),
};

export interface BudgetConfig {
  tableName: string;
  /** Only when USERFLOW_RATE_LIMIT is set. */
  ceilingPerSecond?: number;
  syncShare?: number;
}

interface BudgetEnv {
  USERFLOW_RATE_LIMIT?: number | undefined;
  BUDGET_TABLE?: string | undefined;
  BUDGET_SYNC_SHARE?: number | undefined;
}

/** The budget, when the stack gives a table. */
export function budgetConfig(e: BudgetEnv): BudgetConfig | undefined {
  if (e.BUDGET_TABLE === undefined) return undefined;
  return {
    tableName: e.BUDGET_TABLE,
    ...(e.USERFLOW_RATE_LIMIT === undefined ? {} : { ceilingPerSecond: e.USERFLOW_RATE_LIMIT }),
    ...(e.BUDGET_SYNC_SHARE === undefined ? {} : { syncShare: e.BUDGET_SYNC_SHARE }),
  };
}
