// Public surface of the Userflow budget: one budget per Userflow environment, a gate per class of caller.
// The pure core only: the lease stores over DynamoDB and SQLite are adapters, imported by their own paths, so a
// Lambda bundle never drags in the SQLite driver (nor local mode the DynamoDB client).

export type { RateGate, RateSnapshot, Ticket } from '../deliver/rate-gate.ts';
export {
  type AllocationPolicy,
  type BudgetState,
  type LeaseRequest,
  type LeaseResult,
  lease,
} from './allocation.ts';
export { Budget, type BudgetOptions, type BudgetSnapshot } from './budget.ts';
export {
  BUDGET_CLASSES,
  type BudgetClass,
  budgetClassSchema,
  type ClassPolicies,
  type ClassPolicy,
  classPolicies,
  DEFAULT_CLASS_POLICIES,
} from './classes.ts';
export { BudgetGate } from './gate.ts';
export { type LeaseStore, memoryLeaseStore } from './lease-store.ts';
export { DEFAULT_DISCOVERY, type DiscoveryPolicy } from './rate-discovery.ts';
