import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { membershipKey } from '../../../lib/sync/entity.ts';
import { compareKeys } from '../../../lib/sync/key-order.ts';

// What the stores and PostgreSQL sort by: the keys' UTF-8 bytes.
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const sign = (n: number) => Math.sign(n);

// Characters where UTF-16 order and byte order part ways, and the ones keys often differ by.
const tricky = fc.constantFrom(
  'a',
  'A',
  'é',
  'É',
  '0',
  '9',
  ' ',
  '\u001e',
  '\u001f',
  '\uffff',
  '\ue000',
  '😀',
  '𝟘',
  '\u0000',
);
const key = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.array(tricky, { maxLength: 6 }).map((chars) => chars.join('')),
);

describe('compareKeys', () => {
  it('orders any two strings as their UTF-8 bytes', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(sign(compareKeys(a, b))).toBe(sign(byteOrder(a, b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('puts a character above U+FFFF after U+E000–U+FFFF, where UTF-16 order puts it first', () => {
    expect('😀' < '\uffff').toBe(true);
    expect(compareKeys('😀', '\uffff')).toBeGreaterThan(0);
    expect(compareKeys('x😀', 'x\ue000')).toBeGreaterThan(0);
    expect(compareKeys('😀', '😁')).toBeLessThan(0);
  });

  it('tells keys differing only in case apart, upper case first', () => {
    expect(compareKeys('User-1', 'user-1')).toBeLessThan(0);
    expect(compareKeys('user-1', 'user-1')).toBe(0);
  });

  it('compares numeric ids as text', () => {
    expect(['9', '10', '1', '100', '2'].sort(compareKeys)).toEqual(['1', '10', '100', '2', '9']);
  });

  it('sorts membership keys by user, then group, even when one user id is a prefix of another', () => {
    const pairs: [string, string][] = [
      ['u10', 'a'],
      ['u1', 'z'],
      ['u1', 'a'],
      ['u1 ', 'a'],
      ['u', 'zz'],
    ];
    const sorted = pairs.map(([u, g]) => membershipKey(u, g)).sort(compareKeys);
    expect(sorted).toEqual(
      [...pairs]
        .sort(([u1, g1], [u2, g2]) => compareKeys(u1, u2) || compareKeys(g1, g2))
        .map(([u, g]) => membershipKey(u, g)),
    );
  });
});
