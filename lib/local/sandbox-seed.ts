// The sandbox's data on a first `npm start`: the demo set plus Ada, the trial user every sample payload is about.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEMO_SEED } from '../sandbox/seed/demo.ts';

/** The user of `samples/` (see samples/README.md): on trial, so the Stripe sample visibly moves her to `paid`. */
export const SAMPLE_USER_ID = 'usr_7f3a2c91';

const SAMPLE_SEED = {
  groups: [{ id: 'trial', attributes: { name: 'Trial' } }],
  users: [
    {
      id: SAMPLE_USER_ID,
      attributes: {
        name: 'Ada Lovelace',
        email: 'ada@acme.test',
        stripe_customer_id: 'cus_SJqV8mK2pLx4Qa',
        hubspot_contact_id: '51201',
        subscription_status: 'trialing',
      },
      memberships: [{ group_id: 'trial' }],
    },
  ],
};

type SeedLists = { groups?: unknown[]; users?: unknown[] } & Record<string, unknown>;

export function quickStartSeed(): SeedLists {
  const demo = DEMO_SEED as SeedLists;
  return {
    ...demo,
    groups: [...(demo.groups ?? []), ...SAMPLE_SEED.groups],
    users: [...(demo.users ?? []), ...SAMPLE_SEED.users],
  };
}

/** Writes the seed file the sandbox loads when it has no snapshot yet; returns its path. */
export function writeQuickStartSeed(path: string): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(quickStartSeed(), null, 2)}\n`, { mode: 0o600 });
  return path;
}
