// The one Userflow budget of this machine: a record in the local dir's budget file, keyed by the environment, that
// `npm start`'s consumers, its agent tools, watches and console, and the CLI each lease from — as the deliver
// Lambdas lease from the stack's table. Each opener is one more process on the same record.

import { existsSync } from 'node:fs';
import { budgetKey } from '../budget/budget-key.ts';
import type { Sleep } from '../budget/gate.ts';
import {
  Budget,
  type BudgetClass,
  classPolicies,
  DEFAULT_DISCOVERY,
  memoryLeaseStore,
} from '../budget/index.ts';
import { sqliteLeaseStore } from '../budget/sqlite-lease-store.ts';
import { DEFAULT_USERFLOW_RATE_LIMIT } from '../policy.ts';
import type { UserflowClient } from '../userflow/index.ts';
import { localLayout } from './layout.ts';

export interface LocalBudgetOptions {
  /**
   * `.local/budget.db` (localLayout().budgetDb) and the environment it is the budget of: the client's base URL and
   * API key. Without it the budget lives in this process alone.
   */
  file?: { path: string; baseUrl: string; apiKey: string };
  /** `--rate-limit` or USERFLOW_RATE_LIMIT: a hard ceiling; discovered under it, or without one when absent. */
  ceilingPerSecond?: number;
  minShares?: Partial<Record<BudgetClass, number>>;
  onStoreError?: (error: unknown) => void;
  sleep?: Sleep;
}

export function openLocalBudget(options: LocalBudgetOptions): Budget {
  const { file, ceilingPerSecond: ceiling } = options;
  return new Budget({
    store: file ? sqliteLeaseStore(file.path, budgetKey(file.baseUrl, file.apiKey)) : memoryLeaseStore(),
    classes: classPolicies(options.minShares),
    discovery: ceiling === undefined ? {} : { ceilingPerSecond: ceiling },
    // The local file cannot really be unreachable; if it is, a quarter of the ceiling (or of the first probe).
    fallbackPerSecond: (ceiling ?? DEFAULT_DISCOVERY.initialPerSecond) / 4,
    ...(options.onStoreError ? { onStoreError: options.onStoreError } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}

export interface GatedClient {
  client: UserflowClient;
  close(): Promise<void>;
}

/**
 * `client` drawing on the budget `npm start` keeps in `localDir` as `budgetClass`, when there is one there: a CLI
 * call then waits its turn behind live deliveries instead of racing them. Without a budget file there is no one to
 * share with, and the client is returned as it is. The ceiling is `start`'s default unless one is given.
 */
export function onLocalBudget(
  client: UserflowClient,
  options: {
    /** Default: `.local`. */
    localDir?: string;
    apiKey: string;
    budgetClass: BudgetClass;
    /** USERFLOW_RATE_LIMIT, when set. */
    ceilingPerSecond?: number;
    onStoreError?: (error: unknown) => void;
  },
): GatedClient {
  const path = localLayout(options.localDir).budgetDb;
  if (!existsSync(path)) return { client, close: async () => {} };
  const budget = openLocalBudget({
    file: { path, baseUrl: client.baseUrl, apiKey: options.apiKey },
    ceilingPerSecond: options.ceilingPerSecond ?? DEFAULT_USERFLOW_RATE_LIMIT,
    ...(options.onStoreError ? { onStoreError: options.onStoreError } : {}),
  });
  return { client: client.withGate(budget.gate(options.budgetClass)), close: () => budget.close() };
}
