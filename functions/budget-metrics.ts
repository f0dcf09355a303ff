// BudgetRate and BudgetWaitMs, by class, once per invocation: the budget's current rate and how long each call
// waited in it (CloudWatch takes the values as a distribution, so p95 can be graphed).
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Budget, BudgetGate } from '../lib/budget/index.ts';

export const BUDGET_METRICS = { rate: 'BudgetRate', waitMs: 'BudgetWaitMs' } as const;
// EMF takes at most 100 values per metric in one blob.
const MAX_VALUES = 100;

export function publishBudgetMetrics(metrics: Metrics, budget: Budget, gate: BudgetGate): void {
  const waits = gate.drainWaits();
  metrics.addDimension('class', gate.budgetClass);
  metrics.addMetric(BUDGET_METRICS.rate, MetricUnit.CountPerSecond, budget.snapshot().ratePerSecond);
  const step = Math.max(1, Math.ceil(waits.length / MAX_VALUES));
  for (let i = 0; i < waits.length; i += step) {
    metrics.addMetric(BUDGET_METRICS.waitMs, MetricUnit.Milliseconds, waits[i] as number);
  }
  metrics.publishStoredMetrics();
}
