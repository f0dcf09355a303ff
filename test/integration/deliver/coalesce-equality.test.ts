// Coalescing changes how many calls delivery makes, never what Userflow ends up holding: the same scripts through the
// SQS emulator and the sandbox end in the same state with coalescing on as with one call per command — through
// 500s and 429s, and through consumers that die after their calls but before their acks.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttributeValue, CommandInput } from '../../../lib/commands/index.ts';
import type { RunningSandbox } from '../../../lib/sandbox/index.ts';
import { seeded as random } from '../../helpers/seeded-random.ts';
import { virtualTime } from '../../helpers/virtual-time.ts';
import { type Rig, type RigOptions, startRig } from './harness.ts';

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.close();
});

/**
 * Runs of upserts per user (what a HubSpot batch or a busy Stripe customer produces), with memberships, group
 * upserts and events between them. `idempotent` keeps to changes that a repeated call cannot alter (a retried
 * call that Userflow had already applied, or a redelivered batch, repeats an `add` with or without coalescing).
 */
function script(seed: number, idempotent: boolean): CommandInput[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const values: AttributeValue[] = idempotent
    ? ['trial', 'paid', 3, 7, true, false, { set: 'x' }, { set_once: 'first' }, { set_once: 2 }]
    : ['trial', 'paid', 3, 7, true, { add: 1 }, { add: 4 }, { subtract: 2 }, { set_once: 'first' }];
  const attributes = () => {
    const out: Record<string, AttributeValue> = {};
    for (let i = 0, n = 1 + Math.floor(next() * 2); i < n; i++)
      out[pick(['plan', 'n', 'flag', 'seen'])] = pick(values);
    return out;
  };
  const commands: CommandInput[] = [];
  for (let i = 0; i < 120; i++) {
    const user_id = pick(['u1', 'u2', 'u3', 'u4']);
    const roll = next();
    if (roll < 0.1)
      commands.push({ type: 'upsert_group', group_id: pick(['g1', 'g2']), attributes: attributes() });
    // An event applied before its 500 is tracked again on the retry, coalescing or not: kept out of that script.
    else if (roll < 0.15 && !idempotent)
      commands.push({ type: 'track_event', user_id, name: 'step', attributes: { i } });
    else if (roll < 0.3)
      commands.push({
        type: 'upsert_user',
        user_id,
        attributes: attributes(),
        memberships: [{ attributes: { role: pick(['admin', 'member']) }, group: { id: pick(['g1', 'g2']) } }],
      });
    else commands.push({ type: 'upsert_user', user_id, attributes: attributes() });
  }
  return commands;
}

function stateOf(sandbox: RunningSandbox) {
  const { store } = sandbox;
  return {
    // Sorted throughout: creation order across users depends on how the consumers interleaved.
    users: store
      .listUsers()
      .map((u) => [u.id, u.attributes] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
    groups: store
      .listGroups()
      .map((g) => [g.id, g.attributes] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
    memberships: store
      .listMemberships({})
      .map((m) => [m.user_id, m.group_id, m.attributes] as const)
      .sort(([a, b], [c, d]) => `${a}/${b}`.localeCompare(`${c}/${d}`)),
    events: Object.fromEntries(
      store.listUsers().map((u) => [u.id, store.listEvents({ user_id: u.id, name: 'step' }).length]),
    ),
  };
}

async function deliver(commands: CommandInput[], options: RigOptions) {
  const rig = await startRig({ queue: 'sqlite', ...options });
  rigs.push(rig);
  await rig.send(commands);
  await rig.drain(60_000);
  const dlq = await rig.dlq.counts();
  expect(dlq.visible + dlq.inFlight, 'nothing dead-lettered').toBe(0);
  const writes = rig.audit.filter(
    (a) => a.action === 'createOrUpdateUser' || a.action === 'createOrUpdateGroup',
  );
  return { state: stateOf(rig.sandbox), rig, writes: writes.length };
}

/** The reference: one call per command, nothing failing, one consumer. */
const reference = (commands: CommandInput[]) =>
  deliver(commands, { concurrency: 1, deliver: { coalesce: false } });

describe('coalesced delivery leaves Userflow as one call per command does', () => {
  it('through 500s and 429 bursts', async () => {
    for (const seed of [11, 12]) {
      const commands = script(seed, false);
      const one = await reference(commands);
      const time = virtualTime();
      const faulty = await deliver(commands, {
        sandbox: {
          // 500s before the request takes effect: a retry then repeats nothing, with or without coalescing.
          faults: { errorRate: 0.2, random: random(seed) },
          rateLimit: { requestsPerSecond: 60, burst: 5 },
          clock: time.clock,
        },
        deliver: { clock: time.clock, sleep: time.sleep },
      });
      expect(faulty.state, `seed ${seed}`).toEqual(one.state);
      const stats = faulty.rig.sandbox.stats();
      expect(stats.faults, 'the faults happened').toBeGreaterThan(0);
      expect(stats.rateLimited, 'the throttling happened').toBeGreaterThan(0);
      expect(
        faulty.rig.audit.some((a) => a.deliveredBy !== undefined),
        'commands were coalesced',
      ).toBe(true);
    }
  }, 120_000);

  it('through 500s after Userflow applied the call, and consumers killed between their calls and their acks', async () => {
    const commands = script(21, true);
    const one = await reference(commands);
    let batches = 0;
    let killed = 0;
    // Every third batch makes its calls, then its consumer "dies": nothing is acked, all of it comes back.
    const dying = (handler: (event: SQSEvent) => Promise<SQSBatchResponse>) => async (event: SQSEvent) => {
      const response = await handler(event);
      batches += 1;
      if (batches % 3 === 0 && killed < 12) {
        killed += 1;
        throw new Error('consumer killed before its acks');
      }
      return response;
    };
    const faulty = await deliver(commands, {
      sandbox: { faults: { errorRate: 0.15, errorTiming: 'after', random: random(900) } },
      visibilityTimeout: 1,
      wrapHandler: dying,
    });
    expect(killed).toBeGreaterThan(3);
    expect(faulty.state).toEqual(one.state);
    expect(faulty.rig.sandbox.stats().faults).toBeGreaterThan(0);
  }, 120_000);

  it('saves calls: a run of upserts of one user goes as one call per batch', async () => {
    // A CRM batch: one contact's properties changed one by one (numbers, which merge whatever their order).
    const commands: CommandInput[] = Array.from({ length: 30 }, (_, i) => ({
      type: 'upsert_user',
      user_id: 'u1',
      attributes: { [`p${i % 7}`]: i },
    }));
    const one = await reference(commands);
    const merged = await deliver(commands, { concurrency: 1 });
    expect(merged.state).toEqual(one.state);
    expect(one.writes).toBe(30);
    // Batches of 10 records of one message group: one call each.
    expect(merged.writes).toBe(3);
  }, 60_000);
});
