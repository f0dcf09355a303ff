// Order that survives a timeout: a Userflow call that times out may still be applied later, so its user's group
// must wait until it can no longer land. 50 users go trial → paid → cancelled while 15% of responses are slower
// than the client's timeout (and applied anyway, after the client gave up): every user must end cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput } from '../../../lib/commands/index.ts';
import { seeded } from '../../helpers/seeded-random.ts';
import { type Rig, startRig } from './harness.ts';

const USERS = 50;
/** The rig's client gives up after 2 s; a slow response takes 3 s, and the sandbox applies it all the same. */
const SLOW_MS = 3_000;

function lifecycle(user_id: string): CommandInput[] {
  return [
    // trial
    { type: 'add_membership', user_id, group_id: 'trial', membership_attributes: { seat: 'trial' } },
    { type: 'upsert_user', user_id, attributes: { plan: 'trial', trial: true } },
    // → paid
    { type: 'remove_membership', user_id, group_id: 'trial' },
    { type: 'add_membership', user_id, group_id: 'paid', membership_attributes: { seat: 'owner' } },
    { type: 'upsert_user', user_id, attributes: { plan: 'paid', trial: false } },
    // → cancelled
    { type: 'remove_membership', user_id, group_id: 'paid' },
    { type: 'upsert_user', user_id, attributes: { plan: 'cancelled' } },
  ];
}

describe('delivery order when Userflow answers after the client timed out', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig({
      concurrency: 8,
      sandbox: { faults: { slowRate: 0.15, slowMs: SLOW_MS, random: seeded(13) } },
      // The hold: 2 s of client timeout again plus 1 s of margin, so the 3 s responses have landed by then.
      deliver: { timeoutHoldMs: 3_000 },
    });
    const scripts = Array.from({ length: USERS }, (_, u) => lifecycle(`user-${u}`));
    // Interleave users step by step, as webhooks for many customers would arrive.
    const interleaved: CommandInput[] = [];
    for (let step = 0; step < (scripts[0]?.length ?? 0); step++) {
      for (const script of scripts) interleaved.push(script[step] as CommandInput);
    }
    await rig.send(interleaved);
    await rig.drain(120_000);
    // Let any response still being slowed land before the end state is read.
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
  }, 180_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('timed out some calls (so the test says something) and dead-lettered nothing', async () => {
    const timeouts = rig.audit.filter((a) => a.outcome === 'retry' && a.reason === 'userflow_timeout');
    expect(timeouts.length).toBeGreaterThan(USERS * 0.15);
    const dlq = await rig.dlq.counts();
    expect(dlq.visible + dlq.inFlight).toBe(0);
  });

  it('leaves every user cancelled, in neither group', () => {
    const wrong: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const userId = `user-${u}`;
      const user = rig.sandbox.store.getUser(userId);
      const groups = rig.sandbox.store
        .listMemberships({ user_id: userId })
        .map((m) => m.group_id ?? (m.group as { id: string } | null)?.id);
      if (user?.attributes.plan !== 'cancelled' || user.attributes.trial !== false || groups.length > 0) {
        wrong.push(`${userId}: plan=${String(user?.attributes.plan)} groups=${groups.join(',')}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
