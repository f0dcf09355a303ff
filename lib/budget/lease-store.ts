// Where a budget's state lives: one record per budget, read and replaced atomically by the lease step. The memory
// store serves one process; lib/budget/sqlite-lease-store.ts and dynamodb-lease-store.ts share it across processes.
import type { BudgetState } from './allocation.ts';

export interface LeaseStore {
  /**
   * Reads the budget's state, runs `step` on it and writes what it returns, as one atomic change: a concurrent
   * writer makes the store run `step` again on the newer state. Throws when the store cannot be reached.
   */
  update<T>(step: (state: BudgetState | undefined) => { state: BudgetState; result: T }): Promise<T>;
  close?(): void | Promise<void>;
}

export function memoryLeaseStore(): LeaseStore {
  let current: BudgetState | undefined;
  return {
    async update(step) {
      const { state, result } = step(current);
      current = state;
      return result;
    },
  };
}
