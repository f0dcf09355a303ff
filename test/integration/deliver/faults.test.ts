// Faults: Userflow failing 20% of calls, answering slowly and throttling in bursts — every command still lands,
// no event twice, nothing dead-lettered; a command Userflow rejects goes to the DLQ with its reason, alone.
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandInput } from '../../../lib/commands/index.ts';
import { readDlqReason } from '../../../lib/dlq/dlq-attributes.ts';
import { virtualTime } from '../../helpers/virtual-time.ts';
import { type Rig, startRig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Per user: upserts and events alternating, each carrying its position so the end state shows order and loss. */
function script(users: number, perUser: number): CommandInput[] {
  const commands: CommandInput[] = [];
  for (let i = 0; i < perUser; i++) {
    for (let u = 0; u < users; u++) {
      const user_id = `user-${u}`;
      commands.push(
        i % 2 === 0
          ? { type: 'upsert_user', user_id, attributes: { [`step_${i}`]: true, last: i } }
          : { type: 'track_event', user_id, name: 'step', attributes: { step: i } },
      );
    }
  }
  return commands;
}

describe('delivery under faults', () => {
  it('delivers everything through 500s, slow answers and 429 bursts, with no event twice', async () => {
    let draws = 0;
    // A fixed sequence instead of Math.random, so the run is reproducible.
    const random = () => (((draws++ * 0.618_033_988_75) % 1) + 0.000_001) % 1;
    // The rate limits on both ends read one clock that advances only while the consumer waits for its bucket:
    // the consumer is told 2 000/s, so it meets the sandbox's 60/s however slowly a loaded machine runs it.
    const time = virtualTime();
    rig = await startRig({
      sandbox: {
        faults: { errorRate: 0.2, slowRate: 0.1, slowMs: 150, random },
        rateLimit: { requestsPerSecond: 60, burst: 5 },
        clock: time.clock,
      },
      deliver: { clock: time.clock, sleep: time.sleep },
    });
    const USERS = 30;
    const PER_USER = 6;
    await rig.send(script(USERS, PER_USER));
    await rig.drain(60_000);

    const stats = rig.sandbox.stats();
    expect(stats.faults).toBeGreaterThan(0);
    expect(stats.rateLimited).toBeGreaterThan(0);
    for (let u = 0; u < USERS; u++) {
      const user = rig.sandbox.store.getUser(`user-${u}`);
      for (let i = 0; i < PER_USER; i += 2)
        expect(user?.attributes[`step_${i}`], `user-${u} step ${i}`).toBe(true);
      expect(user?.attributes.last).toBe(PER_USER - 2);
      const steps = rig.sandbox.store
        .listEvents({ user_id: `user-${u}`, name: 'step' })
        .map((e) => e.attributes.step);
      expect(steps, `user-${u} events`).toEqual([1, 3, 5]);
    }
    const dlq = await rig.dlq.counts();
    expect(dlq.visible + dlq.inFlight).toBe(0);
    expect(rig.audit.some((a) => a.outcome === 'retry' && a.status === 500)).toBe(true);
    expect(rig.audit.some((a) => a.outcome === 'retry' && a.status === 429)).toBe(true);
  }, 90_000);

  it('dead-letters a command Userflow rejects (404, 400) with its reason, and delivers the rest', async () => {
    // Userflow's answer to an event for an unknown user is UNCONFIRMED; this sandbox flag makes it a 404.
    rig = await startRig({ sandbox: { flags: { eventUnknownSubject: 'reject' } } });
    await rig.send([
      { type: 'upsert_user', user_id: 'ok-1', attributes: { plan: 'pro' } },
      { type: 'track_event', user_id: 'ghost', name: 'paid' },
      { type: 'upsert_user', user_id: 'bad-1', attributes: { credits: { add: 'lots' } } },
      { type: 'upsert_user', user_id: 'bad-1', attributes: { plan: 'team' } },
      { type: 'track_event', user_id: 'ok-1', name: 'paid' },
    ]);
    await rig.drain(30_000);

    const messages = await rig.dlq.receive({ maxMessages: 10, waitSeconds: 0 });
    const reasons = messages.map((m) => ({
      body: JSON.parse(m.body),
      why: readDlqReason(m.attributes, m.body),
    }));
    expect(reasons.map((r) => [r.body.command.user_id, r.why.reason, r.why.status]).sort()).toEqual([
      ['bad-1', 'userflow_invalid_params', '400'],
      ['ghost', 'userflow_not_found', '404'],
    ]);
    for (const r of reasons) {
      expect(r.why.error).toMatch(/Userflow/);
      expect(r.why.commandId).toBe(r.body.id);
    }
    // The others, including the rejected user's next command, were delivered.
    expect(rig.sandbox.store.getUser('ok-1')?.attributes.plan).toBe('pro');
    expect(rig.sandbox.store.listEvents({ user_id: 'ok-1', name: 'paid' })).toHaveLength(1);
    expect(rig.sandbox.store.getUser('bad-1')?.attributes.plan).toBe('team');
    // Dead-lettered on the first receive: it did not bounce until maxReceiveCount.
    expect(rig.audit.filter((a) => a.outcome === 'dead_lettered').map((a) => a.attempt)).toEqual([1, 1]);
  }, 60_000);
});
