import { describe, expect, it } from 'vitest';
import type { BudgetSnapshot } from '../../../lib/budget/index.ts';
import { budgetStatusLine, budgetStatusReporter } from '../../../lib/local/budget-status.ts';

const at = (ratePerSecond: number, extra: Partial<BudgetSnapshot> = {}): BudgetSnapshot => ({
  ratePerSecond,
  throttles: 0,
  fallback: false,
  ...extra,
});

describe("npm start's budget line", () => {
  it('says the rate, the ceiling or its absence, and the last 429', () => {
    expect(budgetStatusLine(at(9.64, { ceilingPerSecond: 10 }))).toBe(
      'budget: 9.6/s to Userflow (ceiling 10/s) · no 429 yet',
    );
    expect(budgetStatusLine(at(96.2, { lastThrottleRate: 143.8, throttles: 1 }))).toBe(
      'budget: 96/s to Userflow (no ceiling) · last 429 at 144/s (1 cut)',
    );
    expect(budgetStatusLine(at(2, { fallback: true }))).toContain('fallback slice');
  });

  it('prints only when the budget moves: a 429, or the rate a tenth away from the last line', async () => {
    const readings = [
      at(5),
      at(5.4),
      at(5.6),
      at(5.7),
      at(5.7, { throttles: 1, lastThrottleRate: 6 }),
      at(5.7, { throttles: 1, lastThrottleRate: 6 }),
    ];
    const lines: string[] = [];
    const reporter = budgetStatusReporter(
      async () => readings.shift() as BudgetSnapshot,
      (l) => lines.push(l),
    );
    for (let i = 0; i < 6; i++) await reporter.tick();
    expect(lines).toEqual([
      'budget: 5.6/s to Userflow (no ceiling) · no 429 yet',
      'budget: 5.7/s to Userflow (no ceiling) · last 429 at 6.0/s (1 cut)',
    ]);
  });
});
