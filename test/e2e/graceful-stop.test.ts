// Ctrl-C while batches are in flight: the bridge exits 0 without waiting the batches out, and the next start
// delivers everything that was acknowledged — the unfinished batches were returned to the queue, and the sandbox
// state was saved.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Checkout,
  cleanEnv,
  type StartedBridge,
  scratchCheckout,
  startBridgeProcess,
} from '../helpers/spawn-cli.ts';
import { arrivedSignups, PORTAL_SECRET, postSignup } from './portal-signups.ts';
import { eventually, readAudit } from './support.ts';

const RUN = 'sigint';
const SIGNUPS = 16;

describe('Ctrl-C with work in flight', () => {
  let checkout: Checkout;
  const bridges: StartedBridge[] = [];
  const env = cleanEnv({ PORTAL_WEBHOOK_SECRET: PORTAL_SECRET });

  beforeAll(() => {
    checkout = scratchCheckout({ rules: ['portal.yaml'] });
  });

  afterAll(() => {
    for (const bridge of bridges) bridge.cli.child.kill('SIGKILL');
    checkout?.remove();
  });

  it('stops cleanly without finishing the batches and loses nothing', async () => {
    // 2 Userflow calls a second: the 32 commands would take over 10 s, and one batch of 10 alone longer than the
    // 3 s the consumers wait at stop, so delivery is still running when Ctrl-C comes however busy the machine is.
    const first = await startBridgeProcess({ cwd: checkout.dir, env, args: ['--rate-limit', '2'] });
    bridges.push(first);
    const indexes = Array.from({ length: SIGNUPS }, (_, i) => i);
    for (const i of indexes) expect(await postSignup(first.ingestUrl, RUN, i)).toBe(202);
    const auditPath = join(checkout.dir, '.local', 'audit.jsonl');
    await eventually(() => readAudit(auditPath).length > 0, 'the first delivery');

    // The SIGKILL bound only keeps a hung bridge from hanging the test; the line below shows it did not wait.
    const exit = await first.stop(30_000);
    expect(exit).toEqual({ code: 0, signal: null });
    // Batches waiting for the rate limiter were handed back, not finished at 2 calls a second.
    expect(first.cli.stdout()).toMatch(/\d+ commands? in flight returned to the queue/);
    const deliveredBeforeStop = readAudit(auditPath).filter((l) => l.outcome === 'delivered').length;
    expect(deliveredBeforeStop).toBeLessThan(SIGNUPS * 2);

    // The sandbox comes back from its snapshot; the queue still holds what was not delivered.
    const second = await startBridgeProcess({ cwd: checkout.dir, env, args: ['--rate-limit', '200'] });
    bridges.push(second);
    expect(second.banner).toContain('restored from the last run');
    const arrived = await eventually(
      async () => {
        const now = await arrivedSignups(second.sandboxUrl as string, RUN, indexes);
        return now.length === SIGNUPS && now;
      },
      'every signup in the sandbox after the restart',
      60_000,
    );
    expect(arrived).toEqual(indexes);
    expect(await second.stop()).toEqual({ code: 0, signal: null });
  }, 150_000); // two process starts and a redelivery, on a busy CI machine
});
