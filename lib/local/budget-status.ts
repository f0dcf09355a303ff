// The budget's line in `npm start`: the rate Userflow is called at and the rate the last 429 came at, printed when
// they move — a 429, or the rate a tenth away from the last line — so a quiet bridge prints nothing.
import type { BudgetSnapshot } from '../budget/index.ts';
import { rateText as rate } from '../budget/rate-text.ts';
import type { Print } from './activity.ts';

const MOVE = 0.1;

export function budgetStatusLine(snapshot: BudgetSnapshot): string {
  const ceiling =
    snapshot.ceilingPerSecond === undefined ? 'no ceiling' : `ceiling ${rate(snapshot.ceilingPerSecond)}/s`;
  const throttled =
    snapshot.lastThrottleRate === undefined
      ? 'no 429 yet'
      : `last 429 at ${rate(snapshot.lastThrottleRate)}/s (${snapshot.throttles} cut${snapshot.throttles === 1 ? '' : 's'})`;
  const fallback = snapshot.fallback ? ' · budget file unreachable: on the fallback slice' : '';
  return `budget: ${rate(snapshot.ratePerSecond)}/s to Userflow (${ceiling}) · ${throttled}${fallback}`;
}

/** `tick` reads the budget and prints its line when it moved since the last one printed. */
export function budgetStatusReporter(read: () => Promise<BudgetSnapshot>, print: Print) {
  let last: BudgetSnapshot | undefined;
  return {
    async tick(): Promise<void> {
      const now = await read();
      // The first reading is the baseline: a line only if the budget has been throttled already.
      const moved =
        last === undefined
          ? now.throttles > 0
          : now.throttles !== last.throttles ||
            now.fallback !== last.fallback ||
            Math.abs(now.ratePerSecond - last.ratePerSecond) >= MOVE * last.ratePerSecond;
      if (moved) print(budgetStatusLine(now));
      if (moved || last === undefined) last = now;
    },
  };
}
