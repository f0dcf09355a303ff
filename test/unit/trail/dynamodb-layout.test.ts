// The DynamoDB key layout: every item a writer makes falls under the key prefixes its IAM role is confined to,
// ids of any length make valid keys, and a record that would pass the item limit is shrunk or refused.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  attemptItem,
  confirmationItem,
  fitIntake,
  ItemTooLargeError,
  intakeItems,
  keyPart,
  MAX_RECORD_JSON_BYTES,
  sortableTime,
  syncRunItem,
  TRAIL_WRITER_KEY_PREFIXES,
} from '../../../lib/trail/dynamodb-layout.ts';
import { attempt, intake } from '../../integration/trail/trail-contract.ts';

const under = (prefixes: readonly string[]) => (pk: unknown) =>
  prefixes.some((p) => String(pk).startsWith(p));

describe('trail key layout', () => {
  it("puts every item ingest writes under ingest's key prefixes (its dynamodb:LeadingKeys condition)", () => {
    const record = intake({ requestId: 'r1', eventIds: ['evt_1', 'evt_2'] });
    record.events[0]?.commands.push({ id: 'c2', kind: 'add_membership', userId: 'bob', groupId: 'acme' });
    const { main, pointers } = intakeItems(record);
    const pks = [main.pk, ...pointers.map((p) => p.pk)];
    expect(pks.every(under(TRAIL_WRITER_KEY_PREFIXES.ingest))).toBe(true);
    expect(pks.some(under(TRAIL_WRITER_KEY_PREFIXES.deliver))).toBe(false);
    expect(new Set(pks).size).toBe(pks.length);
    expect(pointers.map((p) => p.pk).sort()).toEqual(
      ['CMD#c2', 'CMD#cmd_r1', 'EVT#evt_1', 'EVT#evt_2', 'GRP#acme', 'USR#ada', 'USR#bob'].sort(),
    );
  });

  it('writes one pointer per user, however many commands name the user', () => {
    const record = intake({ requestId: 'r1', eventIds: [] });
    record.events[0]?.commands.push({ id: 'c2', kind: 'track_event', userId: 'ada' });
    const users = intakeItems(record).pointers.filter((p) => String(p.pk).startsWith('USR#'));
    expect(users).toHaveLength(1);
  });

  it("puts attempts under deliver's prefix and sync runs under the sync function's", () => {
    const a = attemptItem(attempt({ commandId: 'c1', userId: 'ada', principal: 'webhook:stripe' }), 'u1');
    expect(under(TRAIL_WRITER_KEY_PREFIXES.deliver)(a.pk)).toBe(true);
    expect(a).toMatchObject({ gsi2pk: 'ATT#USR#ada', gsi4pk: 'ATT#PRN#webhook:stripe' });
    expect(a.gsi3pk).toBeUndefined();
    const run = syncRunItem({
      runId: 'r1',
      name: 'accounts',
      startedAt: '2026-12-01T10:00:00Z',
      outcome: 'completed',
      counts: {},
      expiresAt: 1,
    });
    expect(under(TRAIL_WRITER_KEY_PREFIXES.sync)(run.pk)).toBe(true);
  });

  it("puts a used confirmation under the agent tools' prefixes alone, in no index", () => {
    const used = confirmationItem('ab12', 1_900_000_000);
    expect(used).toEqual({ pk: 'CFM#ab12', sk: 'CLAIM', kind: 'confirmation', expiresAt: 1_900_000_000 });
    expect(under(TRAIL_WRITER_KEY_PREFIXES.agent)(used.pk)).toBe(true);
    for (const writer of ['ingest', 'deliver', 'sync', 'watch'] as const) {
      expect(under(TRAIL_WRITER_KEY_PREFIXES[writer])(used.pk), writer).toBe(false);
    }
  });

  it('keeps short ids as they are and replaces ids too long for a key by their digest', () => {
    expect(keyPart('evt_1')).toBe('evt_1');
    const long = 'é'.repeat(300);
    expect(keyPart(long)).toBe(`sha256:${createHash('sha256').update(long).digest('hex')}`);
  });

  it('sorts instants written with and without milliseconds alike', () => {
    expect(sortableTime('2026-12-01T10:00:00Z')).toBe('2026-12-01T10:00:00.000Z');
    expect(sortableTime('2026-12-01T11:00:00+01:00')).toBe('2026-12-01T10:00:00.000Z');
    expect(sortableTime('not a time')).toBe('not a time');
  });

  it('refuses a record too large for an item even without its body, rather than sending a doomed write', () => {
    const record = intake({
      requestId: 'huge',
      body: { stored: false, size: 0, sha256: '', reason: 'not_read' },
    });
    record.headers = { 'x-big': 'a'.repeat(MAX_RECORD_JSON_BYTES) };
    expect(() => fitIntake(record)).toThrow(ItemTooLargeError);
  });
});
