// Where EventBridge answers differently from a naive reading, cases taken from AWS's own public sources:
//   RULER_IC    https://github.com/aws/event-ruler/blob/main/src/main/software/amazon/event/ruler/input/EqualsIgnoreCaseParser.java
//   RULER_BMT   https://github.com/aws/event-ruler/blob/main/src/test/software/amazon/event/ruler/ByteMachineTest.java
//               (testEqualsIgnoreCaseManyCharactersWithDifferentByteLengthForLowerCaseAndUpperCase and the prefix /
//               suffix versions of it)
//   RULER_CIDR  https://github.com/aws/event-ruler/blob/main/src/main/software/amazon/event/ruler/CIDR.java
//   RULER_JRC   https://github.com/aws/event-ruler/blob/main/src/main/software/amazon/event/ruler/JsonRuleCompiler.java
//               (writeRules: a string value that is an IP literal becomes CIDR.ipToRangeIfPossible)
//   RULER_MCE   https://github.com/aws/event-ruler/blob/main/src/test/software/amazon/event/ruler/MachineComplexityEvaluatorTest.java
//   RULER       https://github.com/aws/event-ruler/blob/main/README.md ("Matching with a Machine": limit machine
//               complexity, e.g. each single-rule machine to 10; "Wildcard matching": escapes)
//   EB_OPERATORS https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
//   EB_ARRAYS    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
import { describe, expect, it } from 'vitest';
import { wildcardComplexity } from '../../../lib/rules/pattern/wildcard.ts';
import { matches, patternProblems } from './helpers.ts';

describe('equals-ignore-case with case mappings that change length (RULER_IC, RULER_BMT)', () => {
  // Written as escapes, copied from RULER_BMT, so no editor can normalise them: ΰ (03b0) upper-cases to Ϋ́ as three
  // code points (03a5 0308 0301), ῆ (1fc6) to Η͂ (0397 0342), ɀ to Ɀ, ɐ to Ɐ, and the Kelvin sign (212a) lower-cases
  // to k. Each pattern character may appear in the event as its lower- or its upper-case form, whatever the length.
  const pattern = '\u03b0\u0240\u0250\u0390\u03b0\u1fc6\u212a';
  const yes = [
    '\u03a5\u0308\u0301\u0240\u2c6f\u0390\u03a5\u0308\u0301\u0397\u0342k',
    '\u03b0\u2c7f\u0250\u0399\u0308\u0301\u03b0\u1fc6\u212a',
    '\u03a5\u0308\u0301\u2c7f\u2c6f\u0399\u0308\u0301\u03a5\u0308\u0301\u1fc6k',
    '\u03b0\u0240\u0250\u0390\u03b0\u0397\u0342\u212a',
  ];
  const no = [
    '',
    '\u03a5\u0308\u0301\u023f\u2c6f\u0390\u03a5\u0308\u0301\u0397\u0342k',
    '\u03b0\u2c7e\u0250\u0399\u0308\u0301\u03b0\u1fc6\u212a',
  ];
  const tail = 'a\u0308\u0301\u0240\u2c6f\u0390\u03a5\u0308\u0301\u0397\u0342';

  it('equals-ignore-case matches every mix of the forms, and nothing else', () => {
    const when = { s: [{ 'equals-ignore-case': pattern }] };
    for (const s of yes) expect(matches(when, { s }), s).toBe(true);
    for (const s of no) expect(matches(when, { s }), s).toBe(false);
    expect(matches(when, { s: `${yes[0]}x` })).toBe(false);
  });

  it('prefix equals-ignore-case takes the same forms followed by anything', () => {
    const when = { s: [{ prefix: { 'equals-ignore-case': pattern } }] };
    for (const s of [...yes, `${yes[0]}${tail}`, `${yes[1]}${tail}`])
      expect(matches(when, { s }), s).toBe(true);
    for (const s of no) expect(matches(when, { s }), s).toBe(false);
  });

  it('suffix equals-ignore-case takes the same forms after anything', () => {
    const when = { s: [{ suffix: { 'equals-ignore-case': pattern } }] };
    for (const s of [...yes, `${tail}${yes[0]}`, `${tail}${yes[1]}`])
      expect(matches(when, { s }), s).toBe(true);
    for (const s of no) expect(matches(when, { s }), s).toBe(false);
  });

  it('anything-but equals-ignore-case excludes the long forms too', () => {
    const when = { s: [{ 'anything-but': { 'equals-ignore-case': '\u03b0' } }] };
    expect(matches(when, { s: '\u03a5\u0308\u0301' })).toBe(false);
    expect(matches(when, { s: '\u03c5' })).toBe(true);
  });

  it('expands the pattern, not the value: "k" does not match the Kelvin sign, whose lower case is k', () => {
    expect(matches({ s: [{ 'equals-ignore-case': 'k' }] }, { s: '\u212a' })).toBe(false);
    expect(matches({ s: [{ 'equals-ignore-case': '\u212a' }] }, { s: 'k' })).toBe(true);
  });

  it('stays a whole-value, string-only match', () => {
    expect(matches({ s: [{ 'equals-ignore-case': '\u023a' }] }, { s: '\u2c65' })).toBe(true);
    expect(matches({ s: [{ 'equals-ignore-case': '\u023a' }] }, { s: '\u2c65x' })).toBe(false);
    expect(matches({ s: [{ 'equals-ignore-case': '5' }] }, { s: 5 })).toBe(false);
  });
});

describe('exact IP addresses match in any spelling (RULER_JRC, RULER_CIDR)', () => {
  it('an IPv6 value matches upper-case, zero-compressed and fully written forms of the same address', () => {
    const when = { ip: ['2001:db8::1'] };
    for (const ip of ['2001:DB8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0::1'])
      expect(matches(when, { ip }), ip).toBe(true);
    expect(matches(when, { ip: '2001:db8::2' })).toBe(false);
    expect(matches({ ip: ['2001:0DB8:0:0:0:0:0:1'] }, { ip: '2001:db8::1' })).toBe(true);
  });

  it('an IPv4-mapped IPv6 address is the IPv4 address (Java InetAddress, as event-ruler parses it)', () => {
    expect(matches({ ip: ['10.0.0.1'] }, { ip: '::ffff:a00:1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '::FFFF:A00:21' })).toBe(true);
  });

  it('is still an exact match: another address, a number or a hostname does not match', () => {
    expect(matches({ ip: ['10.0.0.1'] }, { ip: '10.0.0.1' })).toBe(true);
    expect(matches({ ip: ['10.0.0.1'] }, { ip: '10.0.0.10' })).toBe(false);
    expect(matches({ ip: ['10.0.0.1', 'other'] }, { ip: 'other' })).toBe(true);
    expect(matches({ host: ['example.com'] }, { host: 'EXAMPLE.com' })).toBe(false);
  });

  it('works inside arrays like any value (EB_ARRAYS)', () => {
    expect(matches({ ips: ['2001:db8::1'] }, { ips: ['10.0.0.1', '2001:DB8:0::1'] })).toBe(true);
  });

  it('cidr matches any spelling of an address in the range', () => {
    const when = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(matches(when, { ip: '2001:0DB8:FFFF::1' })).toBe(true);
    expect(matches(when, { ip: '2001:DB9::1' })).toBe(false);
    expect(matches({ ip: [{ cidr: '10.0.0.0/9' }] }, { ip: '10.127.255.255' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/9' }] }, { ip: '10.128.0.0' })).toBe(false);
  });

  it('cidr refuses a full-length mask, as CIDR.cidr does ("IPv4 mask bits must be < 32")', () => {
    expect(patternProblems({ ip: [{ cidr: '10.0.0.1/32' }] })).toEqual([
      'when.ip[0].cidr: the mask must be below /32; match one address as an exact value instead',
    ]);
    expect(patternProblems({ ip: [{ cidr: '2001:db8::1/128' }] })).toHaveLength(1);
    expect(patternProblems({ ip: [{ cidr: '10.0.0.0/31' }] })).toEqual([]);
  });
});

describe('wildcards AWS refuses as too complex (RULER, RULER_MCE)', () => {
  it('counts complexity the way event-ruler does for its single-pattern cases', () => {
    const cases: [string, number][] = [
      ['*', 1],
      ['abc', 1],
      ['*ab', 2],
      ['*aa', 3],
      ['a*b', 2],
      ['aa*', 2],
      ['a*bbb', 4],
      ['*ab*ad', 4],
      ['*ab*d', 3],
      ['*aba*', 4],
      ['a*b*b', 4],
      ['*ab*b*b*', 7],
      ['a*a*a*a*a*a*', 11],
      ['*a*a*a*a*a*a*a*a*', 17],
    ];
    for (const [pattern, complexity] of cases) expect(wildcardComplexity(pattern), pattern).toBe(complexity);
  });

  it('refuses a wildcard with too many "*", and accepts the documented ones', () => {
    const many = '*a*b*c*d*e*f*g*h*i*j*';
    expect(patternProblems({ f: [{ wildcard: many }] })[0]).toMatch(/^when\.f\[0\]\.wildcard: too complex/);
    expect(patternProblems({ f: [{ 'anything-but': { wildcard: many } }] })[0]).toMatch(/too complex/);
    for (const wildcard of ['dir/*.png', '*/lib/*', 'Simple*Service', '*/bin/*.jar', 'a*b*c'])
      expect(patternProblems({ f: [{ wildcard }] }), wildcard).toEqual([]);
  });

  it('escaped stars are literals and do not count (RULER "Wildcard matching")', () => {
    const literal = '\\*'.repeat(20);
    expect(patternProblems({ f: [{ wildcard: literal }] })).toEqual([]);
    expect(matches({ f: [{ wildcard: literal }] }, { f: '*'.repeat(20) })).toBe(true);
  });
});

describe('numbers in any spelling (EB_OPERATORS "Numeric matching", RULER "Numeric matching")', () => {
  it('compares number values, not their JSON text', () => {
    const event = JSON.parse('{"a": 1e2, "b": 100.0, "c": 3.018e2}');
    expect(matches({ a: [100] }, event)).toBe(true);
    expect(matches({ b: [{ numeric: ['=', 1e2] }] }, event)).toBe(true);
    expect(matches({ c: [{ numeric: ['>=', 301.8, '<', 302] }] }, event)).toBe(true);
    expect(matches({ a: ['100'] }, event)).toBe(false);
  });
});

describe('exists on arrays, objects and null (EB_OPERATORS "Exists matching": leaf nodes only)', () => {
  it('an array of values exists; an empty array or an object does not', () => {
    expect(matches({ v: [{ exists: true }] }, { v: ['a'] })).toBe(true);
    expect(matches({ v: [{ exists: true }] }, { v: [] })).toBe(false);
    expect(matches({ v: [{ exists: true }] }, { v: { w: 1 } })).toBe(false);
    expect(matches({ v: [{ exists: false }] }, { v: { w: 1 } })).toBe(true);
  });

  it('null is a value, inside an array too', () => {
    expect(matches({ v: [{ exists: true }] }, { v: [null] })).toBe(true);
    expect(matches({ v: [null] }, { v: [null, 'x'] })).toBe(true);
  });
});

describe('$or needs two alternatives and mixes with fields (EB_OPERATORS "Or matching")', () => {
  it('an alternative may itself nest objects', () => {
    const when = { $or: [{ a: { b: ['x'] } }, { c: [{ prefix: 'y' }] }] };
    expect(matches(when, { a: { b: 'x' } })).toBe(true);
    expect(matches(when, { c: 'yes' })).toBe(true);
    expect(matches(when, { a: { b: 'z' }, c: 'no' })).toBe(false);
  });
});
