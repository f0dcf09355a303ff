// The lease stores' contract: every store runs the same step atomically, so concurrent leases never hand out a
// token twice; the DynamoDB store against dynalite, the SQLite store on a temporary file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUDGET_TABLE_KEY, dynamoDbLeaseStore } from '../../lib/budget/dynamodb-lease-store.ts';
import { Budget, classPolicies, type LeaseStore, lease, memoryLeaseStore } from '../../lib/budget/index.ts';
import { sqliteLeaseStore } from '../../lib/budget/sqlite-lease-store.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../helpers/dynamodb-emulator.ts';

let dynamo: DynamoDbEmulator;
let dir: string;
beforeAll(async () => {
  dynamo = await startDynamoDbEmulator();
  await dynamo.createTable('budget', { partitionKey: BUDGET_TABLE_KEY });
  dir = mkdtempSync(join(tmpdir(), 'budget-store-'));
});
afterAll(async () => {
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
});

const policy = {
  classes: classPolicies(),
  discovery: { ...(await import('../../lib/budget/index.ts')).DEFAULT_DISCOVERY, ceilingPerSecond: 100 },
};

const stores: [string, () => LeaseStore][] = [
  ['memory', () => memoryLeaseStore()],
  ['sqlite', () => sqliteLeaseStore(join(dir, 'budget.db'))],
  [
    'dynamodb',
    () => dynamoDbLeaseStore({ tableName: 'budget', key: `k${Math.random()}`, client: dynamo.clientConfig }),
  ],
];

describe.each(stores)('the %s lease store', (_name, open) => {
  it('grants no more than the bucket held, whatever the concurrency', async () => {
    const store = open();
    const start = Date.now();
    // A full quarter second of 100/s is 25 tokens; 10 concurrent leases of 5 at one instant.
    await store.update((state) =>
      lease(state, { class: 'live', want: 0, successes: 0, throttles: [] }, start - 1_000, policy),
    );
    const granted = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.update((state) =>
          lease(state, { class: 'live', want: 5, successes: 0, throttles: [] }, start, policy),
        ),
      ),
    );
    const total = granted.reduce((sum, r) => sum + r.granted, 0);
    expect(total).toBe(25);
    await store.close?.();
  });

  it('keeps what every writer reported: a 429 from one is seen by the next', async () => {
    const store = open();
    const now = Date.now();
    await store.update((state) =>
      lease(state, { class: 'sync', want: 1, successes: 10, throttles: [] }, now, policy),
    );
    await store.update((state) =>
      lease(
        state,
        { class: 'live', want: 0, successes: 0, throttles: [{ grantedAt: now + 1, retryAfterMs: 2_000 }] },
        now + 5,
        policy,
      ),
    );
    const after = await store.update((state) =>
      lease(state, { class: 'live', want: 1, successes: 0, throttles: [] }, now + 10, policy),
    );
    expect(after.granted).toBe(0);
    expect(after.retryAt).toBe(now + 5 + 2_000);
    expect(after.rate.throttles).toBe(1);
    await store.close?.();
  });
});

describe('a budget whose table cannot be reached', () => {
  it('runs on its fallback slice and says so', async () => {
    const budget = new Budget({
      store: dynamoDbLeaseStore({
        tableName: 'budget',
        client: { ...dynamo.clientConfig, endpoint: 'http://127.0.0.1:1' },
      }),
      fallbackPerSecond: 3,
    });
    const gate = budget.gate('live');
    const ticket = await gate.acquire();
    gate.onSuccess(ticket);
    expect(budget.snapshot()).toMatchObject({ fallback: true });
    expect(gate.snapshot().ratePerSecond).toBeLessThanOrEqual(3);
    await budget.close();
  });
});
