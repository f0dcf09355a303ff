// The stack's one Userflow budget as a function opens it: the table every deliver, MCP and watch function leases
// from, so the account-wide rate holds whatever Lambda scales to. An unreachable table means this instance's
// `fallbackPerSecond`, never unlimited.
import { dynamoDbLeaseStore } from '../lib/budget/dynamodb-lease-store.ts';
import { Budget, classPolicies } from '../lib/budget/index.ts';
import type { BudgetConfig } from '../lib/config/budget.ts';
import type { Logger } from '../lib/logger.ts';
import { DEFAULT_USERFLOW_RATE_LIMIT } from '../lib/policy.ts';

export function openSharedBudget(
  config: BudgetConfig,
  options: {
    /** Default: a tenth of the ceiling, or of the default one while the limit is discovered. */
    fallbackPerSecond?: number;
    logger: Logger;
  },
): Budget {
  const region = process.env.AWS_REGION;
  return new Budget({
    store: dynamoDbLeaseStore({ tableName: config.tableName, client: region ? { region } : {} }),
    discovery: config.ceilingPerSecond ? { ceilingPerSecond: config.ceilingPerSecond } : {},
    classes: classPolicies(config.syncShare === undefined ? {} : { sync: config.syncShare }),
    fallbackPerSecond:
      options.fallbackPerSecond ?? (config.ceilingPerSecond ?? DEFAULT_USERFLOW_RATE_LIMIT) / 10,
    onStoreError: (error) =>
      options.logger.warn('the budget table is unreachable: calling Userflow at the fallback slice', {
        error: (error as Error)?.message,
      }),
  });
}
