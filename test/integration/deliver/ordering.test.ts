// Ordering: many users' commands interleaved on one FIFO queue; each user's final state must equal applying that
// user's commands in order — including remove-then-add and add-then-remove membership pairs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput } from '../../../lib/commands/index.ts';
import { seeded } from '../../helpers/seeded-random.ts';
import { type Rig, startRig } from './harness.ts';

const USERS = 50;
const PER_USER = 20;
const GROUPS = ['g0', 'g1', 'g2'];

interface Model {
  attributes: Record<string, unknown>;
  memberships: Map<string, string | undefined>;
  events: number[];
}

function userScript(userId: string, random: () => number): { commands: CommandInput[]; model: Model } {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const model: Model = { attributes: {}, memberships: new Map(), events: [] };
  const commands: CommandInput[] = [];
  const add = (group: string, role?: string) => {
    commands.push({
      type: 'add_membership',
      user_id: userId,
      group_id: group,
      ...(role ? { membership_attributes: { role } } : {}),
    });
    // A membership upsert without attributes keeps the ones it had.
    model.memberships.set(group, role ?? model.memberships.get(group));
  };
  const remove = (group: string) => {
    commands.push({ type: 'remove_membership', user_id: userId, group_id: group });
    model.memberships.delete(group);
  };
  // Each user exists before anything is tracked for them: the strict sandbox, as Userflow may, refuses events for
  // users no call has created.
  commands.push({ type: 'upsert_user', user_id: userId, attributes: { step: 0, color: 'red' } });
  while (commands.length < PER_USER) {
    const step = commands.length;
    const roll = random();
    if (roll < 0.25) {
      const color = pick(['red', 'green', 'blue']);
      commands.push({ type: 'upsert_user', user_id: userId, attributes: { step, color } });
      Object.assign(model.attributes, { step, color });
    } else if (roll < 0.45) {
      commands.push({ type: 'track_event', user_id: userId, name: 'step', attributes: { step } });
      model.events.push(step);
    } else if (roll < 0.6) {
      add(pick(GROUPS), random() < 0.5 ? pick(['admin', 'member']) : undefined);
    } else if (roll < 0.7) {
      remove(pick(GROUPS));
    } else if (roll < 0.85) {
      // remove-then-add: ends a member (order matters: reversed, it would end without the membership)
      const group = pick(GROUPS);
      remove(group);
      add(group, 'readded');
    } else {
      // add-then-remove: ends without the membership
      const group = pick(GROUPS);
      add(group);
      remove(group);
    }
  }
  return { commands: commands.slice(0, PER_USER), model: replay(commands.slice(0, PER_USER)) };
}

/** The reference: what applying the commands in order must leave behind. */
function replay(commands: CommandInput[]): Model {
  const model: Model = { attributes: {}, memberships: new Map(), events: [] };
  for (const c of commands) {
    if (c.type === 'upsert_user') Object.assign(model.attributes, c.attributes);
    if (c.type === 'track_event') model.events.push((c.attributes as { step: number }).step);
    if (c.type === 'add_membership') {
      const role = (c.membership_attributes as { role?: string } | undefined)?.role;
      model.memberships.set(c.group_id, role ?? model.memberships.get(c.group_id));
    }
    if (c.type === 'remove_membership') model.memberships.delete(c.group_id);
  }
  return model;
}

describe('delivery keeps per-user order', () => {
  let rig: Rig;
  const scripts = new Map<string, { commands: CommandInput[]; model: Model }>();

  beforeAll(async () => {
    rig = await startRig({ concurrency: 8 });
    const random = seeded(20_260_101);
    for (let u = 0; u < USERS; u++) scripts.set(`user-${u}`, userScript(`user-${u}`, random));
    // Interleave: repeatedly take the next command of a random user that has commands left.
    const cursors = new Map([...scripts.keys()].map((id) => [id, 0]));
    const interleaved: CommandInput[] = [];
    while (cursors.size > 0) {
      const ids = [...cursors.keys()];
      const id = ids[Math.floor(random() * ids.length)] as string;
      const at = cursors.get(id) as number;
      interleaved.push((scripts.get(id) as { commands: CommandInput[] }).commands[at] as CommandInput);
      if (at + 1 >= PER_USER) cursors.delete(id);
      else cursors.set(id, at + 1);
    }
    await rig.send(interleaved);
    await rig.drain(60_000);
  }, 90_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('delivered every command, none dead-lettered', async () => {
    expect(rig.audit.filter((a) => a.outcome === 'delivered')).toHaveLength(USERS * PER_USER);
    const dlq = await rig.dlq.counts();
    expect(dlq.visible + dlq.inFlight).toBe(0);
  });

  it("leaves each user's attributes as the last upsert set them", () => {
    for (const [userId, { model }] of scripts) {
      const user = rig.sandbox.store.getUser(userId);
      expect(user, userId).toBeDefined();
      for (const [name, value] of Object.entries(model.attributes)) {
        expect(user?.attributes[name], `${userId}.${name}`).toEqual(value);
      }
    }
  });

  it("leaves each user's memberships as the command sequence implies", () => {
    for (const [userId, { model }] of scripts) {
      const actual = rig.sandbox.store.listMemberships({ user_id: userId });
      const groups = actual.map((m) => m.group_id ?? (m.group as { id: string } | null)?.id).sort();
      expect(groups, userId).toEqual([...model.memberships.keys()].sort());
      for (const m of actual) {
        const groupId = m.group_id ?? (m.group as { id: string } | null)?.id ?? '';
        const role = model.memberships.get(groupId);
        if (role !== undefined) expect(m.attributes.role, `${userId}/${groupId}`).toBe(role);
      }
    }
  });

  it("records each user's events once each, in command order", () => {
    for (const [userId, { model }] of scripts) {
      const steps = rig.sandbox.store
        .listEvents({ user_id: userId, name: 'step' })
        .map((e) => e.attributes.step);
      expect(steps, userId).toEqual(model.events);
    }
  });
});
