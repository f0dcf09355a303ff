import { describe, expect, it } from 'vitest';
import { diffEntity, type EntityDiff } from '../../../lib/sync/diff.ts';
import { SyncError } from '../../../lib/sync/errors.ts';
import { parseSyncFile } from '../../../lib/sync/read-sync-file.ts';
import { createRowMapper, toAttribute } from '../../../lib/sync/row-mapper.ts';

const query = (columns = {}, exclude: string[] = []) => ({ query: 'SELECT 1', columns, exclude });

describe('createRowMapper', () => {
  it('takes the key out and renames and coerces the other columns', () => {
    const mapper = createRowMapper(
      'users',
      query({ created: { rename: 'signed_up_at', type: 'datetime' }, seats: { type: 'number' } }, ['tenant']),
      ['id', 'email', 'created', 'seats', 'tenant'],
      'f.yaml',
    );
    expect(mapper.entity([42, 'a@b.c', new Date('2026-01-02T03:04:05Z'), '12', 't1'], '42')).toEqual({
      kind: 'users',
      key: '42',
      ids: { id: '42' },
      attributes: { email: 'a@b.c', signed_up_at: '2026-01-02T03:04:05.000Z', seats: 12 },
    });
  });

  it('keys memberships by user and group', () => {
    const mapper = createRowMapper('memberships', query(), ['role', 'user_id', 'group_id'], 'f.yaml');
    expect(mapper.entity(['admin', 'u1', 'g1'], 'u1\u001fg1')).toMatchObject({
      ids: { user_id: 'u1', group_id: 'g1' },
      attributes: { role: 'admin' },
    });
  });

  it('takes the last of two columns of one name, as a row object would', () => {
    const mapper = createRowMapper('users', query(), ['id', 'plan', 'plan'], 'f.yaml');
    expect(mapper.entity(['u1', 'free', 'pro'], 'u1').attributes).toEqual({ plan: 'pro' });
  });

  it('changes its signature with the mapping, not with the values', () => {
    const signature = (columns: string[], q = query()) =>
      createRowMapper('users', q, columns, 'f.yaml').signature;
    expect(signature(['id', 'plan'])).toBe(signature(['id', 'plan']));
    expect(signature(['id', 'plan'])).not.toBe(signature(['id', 'plan', 'seats']));
    expect(signature(['id', 'plan'])).not.toBe(
      signature(['id', 'plan'], query({ plan: { rename: 'tier' } })),
    );
  });

  it('names the file and every column problem at once', () => {
    const attempt = () =>
      createRowMapper('memberships', query({ nope: { rename: 'x' } }), ['user_id', 'role'], 'syncs/a.yaml');
    expect(attempt).toThrow(SyncError);
    expect(attempt).toThrow(/syncs\/a\.yaml: .*`group_id` column.*`nope`/);
  });
});

describe('toAttribute', () => {
  it.each([
    [null, undefined, null],
    ['7', 'number', 7],
    ['abc', 'number', null],
    ['t', 'boolean', true],
    ['false', 'boolean', false],
    ['2026-05-01', 'datetime', '2026-05-01T00:00:00.000Z'],
    ['x', 'list', ['x']],
    [12, 'string', '12'],
    [{ a: 1 }, undefined, '{"a":1}'],
    [[1, 'b'], undefined, [1, 'b']],
  ])('%j as %s → %j', (value, type, expected) => {
    expect(toAttribute(value, type)).toEqual(expected);
  });
});

describe('diffEntity', () => {
  // What the state store would hand back after storing `diff`.
  const stored = (diff: EntityDiff) => {
    const next = diff.next as NonNullable<EntityDiff['next']>;
    return { hash: next.hash, attributes: () => next.attributes };
  };

  const entity = (attributes: Record<string, string | number | null>) => ({
    kind: 'users' as const,
    key: 'u1',
    ids: { id: 'u1' },
    attributes,
  });

  it('reports only the attributes whose values changed', () => {
    const first = diffEntity(entity({ plan: 'free', seats: 1, name: 'A' }), undefined);
    expect(first.change).toBe('created');
    const second = diffEntity(entity({ plan: 'pro', seats: 1, name: 'A' }), stored(first));
    expect(second).toMatchObject({ change: 'updated', attributes: { plan: 'pro' } });
    expect(diffEntity(entity({ plan: 'free', seats: 1, name: 'A' }), stored(first)).change).toBe('unchanged');
  });

  it('sends a value that became null (Userflow clears it) but not a column that left the query', () => {
    const first = diffEntity(entity({ plan: 'free', seats: 1 }), undefined);
    expect(diffEntity(entity({ plan: null, seats: 1 }), stored(first))).toMatchObject({
      change: 'updated',
      attributes: { plan: null },
    });
    expect(diffEntity(entity({ plan: 'free' }), stored(first)).change).toBe('unchanged');
  });

  it('tells 1 from "1"', () => {
    const first = diffEntity(entity({ seats: 1 }), undefined);
    expect(diffEntity(entity({ seats: '1' }), stored(first)).change).toBe('updated');
  });
});

describe('parseSyncFile', () => {
  it('lists every problem, naming the file and field', () => {
    const attempt = () =>
      parseSyncFile('syncs/x.yaml', 'connection: db_url\nmode: sometimes\ndelete: true\n');
    expect(attempt).toThrow(/syncs\/x\.yaml: connection: secret names are UPPER_SNAKE_CASE/);
    expect(attempt).toThrow(/syncs\/x\.yaml: mode:/);
  });

  it('refuses delete outside mirror mode and defaults the name to the file name', () => {
    expect(() =>
      parseSyncFile('a.yaml', 'connection: DB\ndelete: true\nusers: { query: "SELECT 1" }'),
    ).toThrow(/delete: `delete: true` needs `mode: mirror`/);
    expect(parseSyncFile('syncs/crm-users.yml', 'connection: DB\nusers: { query: "SELECT 1" }').name).toBe(
      'crm-users',
    );
  });
});
