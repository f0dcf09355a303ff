// `npm start` as a user runs it: a signed webhook's commands reach the sandbox and leave their Userflow calls in
// `.local/trail.db` (0600), each naming the user, the webhook principal and what was sent — and no key.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteTrail } from '../../lib/trail/sqlite-store.ts';
import {
  type Checkout,
  cleanEnv,
  type StartedBridge,
  scratchCheckout,
  startBridgeProcess,
} from '../helpers/spawn-cli.ts';
import { PORTAL_SECRET, postSignup, signupCompany, signupUser } from './portal-signups.ts';
import { eventually, readAudit } from './support.ts';

describe('attempts of a webhook in the local trail', () => {
  let checkout: Checkout;
  let bridge: StartedBridge | undefined;

  beforeAll(() => {
    checkout = scratchCheckout({ rules: ['portal.yaml'] });
  });
  afterAll(() => {
    bridge?.cli.child.kill('SIGKILL');
    checkout?.remove();
  });

  it('records each Userflow call of an accepted webhook', async () => {
    bridge = await startBridgeProcess({
      cwd: checkout.dir,
      env: cleanEnv({ PORTAL_WEBHOOK_SECRET: PORTAL_SECRET }),
    });
    expect(await postSignup(bridge.ingestUrl, 'trail', 1)).toBe(202);
    const auditPath = join(checkout.dir, '.local', 'audit.jsonl');
    await eventually(
      () => readAudit(auditPath).filter((line) => line.outcome === 'delivered').length === 2,
      'both commands delivered',
    );
    expect(await bridge.stop()).toEqual({ code: 0, signal: null });

    const path = join(checkout.dir, '.local', 'trail.db');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const trail = openSqliteTrail(path);
    const attempts = await trail
      .listAttempts({ userId: signupUser('trail', 1), limit: 10 })
      .finally(() => trail.close());
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({
        action: 'createOrUpdateUser',
        outcome: 'delivered',
        status: 200,
        principal: 'webhook:portal',
        origin: 'webhook:portal',
        senderEventId: 'msg_trail_1',
      });
    }
    const requests = attempts.map((a) => a.request);
    expect(requests).toContainEqual(
      expect.objectContaining({
        id: signupUser('trail', 1),
        attributes: expect.objectContaining({ name: 'User 1' }),
      }),
    );
    expect(requests).toContainEqual({
      id: signupUser('trail', 1),
      groups: [expect.objectContaining({ id: signupCompany('trail', 1) })],
    });
    expect(attempts.find((a) => a.request?.groups)?.groupId).toBe(signupCompany('trail', 1));
    // The sandbox's key and the webhook secret are in no record.
    const stored = JSON.stringify(attempts);
    expect(stored).not.toContain(PORTAL_SECRET);
    expect(stored).not.toMatch(/api[_-]?key|authorization/i);
  }, 60_000);
});
