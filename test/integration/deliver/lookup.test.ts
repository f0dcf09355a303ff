// User lookups against the sandbox over HTTP: the attribute filter when Userflow honours it, a paginated scan when
// it does not (the sandbox's `attributeFilters` flag plays both), and the email filter.
import { afterEach, describe, expect, it } from 'vitest';
import { UserflowClient } from '../../../lib/userflow/index.ts';
import { type Rig, startRig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function seedUsers(r: Rig, count: number): Promise<void> {
  const client = new UserflowClient({ apiKey: r.sandbox.apiKey, baseUrl: r.sandbox.url });
  for (let i = 0; i < count; i++) {
    await client.createOrUpdateUser({
      id: `user-${i}`,
      attributes: { stripe_customer_id: `cus_${i}`, email: `user${i}@example.com` },
    });
  }
}

const lookupCommands = [
  {
    type: 'upsert_user',
    user_lookup: { attribute: 'stripe_customer_id', value: 'cus_142' },
    attributes: { plan: 'pro' },
  },
  { type: 'track_event', user_lookup: { attribute: 'stripe_customer_id', value: 'cus_7' }, name: 'paid' },
  { type: 'track_event', user_lookup: { attribute: 'stripe_customer_id', value: 'cus_none' }, name: 'paid' },
  {
    type: 'upsert_user',
    user_lookup: { attribute: 'email', value: 'USER3@example.com' },
    attributes: { vip: true },
  },
] as const;

async function runLookups(r: Rig) {
  await seedUsers(r, 150);
  r.sandbox.resetStats();
  await r.send([...lookupCommands]);
  await r.drain(30_000);
  expect(r.sandbox.store.getUser('user-142')?.attributes.plan).toBe('pro');
  expect(r.sandbox.store.listEvents({ user_id: 'user-7', name: 'paid' })).toHaveLength(1);
  expect(r.sandbox.store.listEvents({ name: 'paid' })).toHaveLength(1);
  expect(r.sandbox.store.getUser('user-3')?.attributes.vip).toBe(true);
  expect(r.audit.filter((a) => a.outcome === 'skipped').map((a) => a.reason)).toEqual(['lookup_not_found']);
  return r.sandbox.stats().byRoute['GET /users'] ?? 0;
}

describe('user lookups', () => {
  it('use the attribute filter when Userflow honours it: one list call per value', async () => {
    rig = await startRig({ sandbox: { flags: { attributeFilters: true } }, concurrency: 1 });
    expect(await runLookups(rig)).toBe(4);
  }, 60_000);

  it('fall back to a paginated, cached scan when Userflow ignores the filter', async () => {
    rig = await startRig({ concurrency: 1 });
    // One filtered try that comes back unfiltered, one scan of two pages (150 users), then the index serves the
    // other values; the email lookup keeps its own filter.
    expect(await runLookups(rig)).toBe(1 + 2 + 1);
  }, 60_000);
});
