// Our own pattern cases: edges the docs leave open, every validation problem, and the "why not" text.
import { describe, expect, it } from 'vitest';
import { matches, patternProblems, whyNot } from './helpers.ts';

describe('matching edges', () => {
  it('exact values are typed: the string "5" is not the number 5, nor true the string "true"', () => {
    expect(matches({ n: [5] }, { n: '5' })).toBe(false);
    expect(matches({ n: ['5'] }, { n: '5' })).toBe(true);
    expect(matches({ b: [true] }, { b: 'true' })).toBe(false);
    expect(matches({ b: [true] }, { b: true })).toBe(true);
  });

  it('a field the pattern names must be present, even for anything-but', () => {
    expect(matches({ state: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(matches({ state: [{ 'anything-but': { prefix: 'x' } }] }, {})).toBe(false);
  });

  it('anything-but excludes only the listed values, whatever the type of the event value', () => {
    expect(matches({ state: [{ 'anything-but': 'x' }] }, { state: 5 })).toBe(true);
    expect(matches({ state: [{ 'anything-but': 'x' }] }, { state: null })).toBe(true);
  });

  it('anything-but compares typed values: the number 5 is not the string "5"', () => {
    expect(matches({ state: [{ 'anything-but': 5 }] }, { state: '5' })).toBe(true);
    expect(matches({ state: [{ 'anything-but': 5 }] }, { state: 5 })).toBe(false);
    expect(matches({ state: [{ 'anything-but': ['5'] }] }, { state: 5 })).toBe(true);
    expect(matches({ state: [{ 'anything-but': ['5'] }] }, { state: '5' })).toBe(false);
  });

  it('an array value matches when any element passes (anything-but included)', () => {
    expect(matches({ tags: [{ 'anything-but': ['a'] }] }, { tags: ['a', 'b'] })).toBe(true);
    expect(matches({ tags: [{ 'anything-but': ['a'] }] }, { tags: ['a'] })).toBe(false);
    expect(matches({ tags: [{ prefix: 'b' }] }, { tags: ['a', 'bee'] })).toBe(true);
  });

  it('an empty event array has no values: exists is false, exact values fail', () => {
    expect(matches({ tags: [{ exists: false }] }, { tags: [] })).toBe(true);
    expect(matches({ tags: [{ exists: true }] }, { tags: [] })).toBe(false);
    expect(matches({ tags: ['a'] }, { tags: [] })).toBe(false);
  });

  it('null is a present leaf value for exists', () => {
    expect(matches({ v: [{ exists: true }] }, { v: null })).toBe(true);
    expect(matches({ v: [{ exists: false }] }, { v: null })).toBe(false);
  });

  it('exists mixed with values in one list: either may match', () => {
    const rule = { v: [{ exists: false }, 'x'] };
    expect(matches(rule, {})).toBe(true);
    expect(matches(rule, { v: 'x' })).toBe(true);
    expect(matches(rule, { v: 'y' })).toBe(false);
  });

  it('a nested pattern over a missing or non-object field sees every nested field as absent', () => {
    expect(matches({ detail: { state: [{ exists: false }] } }, {})).toBe(true);
    expect(matches({ detail: { state: [{ exists: false }] } }, { detail: 'text' })).toBe(true);
    expect(matches({ detail: { state: ['on'] } }, { detail: 'text' })).toBe(false);
  });

  it('only own fields count: "constructor" and "__proto__" in a pattern never reach the prototype', () => {
    expect(matches({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matches({ toString: [{ exists: false }] }, {})).toBe(true);
    const protoPattern = JSON.parse('{"a":{"__proto__":[{"exists":true}]}}');
    expect(matches(protoPattern, JSON.parse('{"a":{}}'))).toBe(false);
    expect(matches(protoPattern, JSON.parse('{"a":{"__proto__":1}}'))).toBe(true);
  });

  it('an empty pattern matches every event', () => {
    expect(matches({}, { anything: 1 })).toBe(true);
  });

  it('numeric bounds: inclusive and exclusive ends, one-sided ranges', () => {
    expect(matches({ n: [{ numeric: ['>=', 1, '<', 2] }] }, { n: 1 })).toBe(true);
    expect(matches({ n: [{ numeric: ['>=', 1, '<', 2] }] }, { n: 2 })).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 1] }] }, { n: 1e12 })).toBe(true);
    expect(matches({ n: [{ numeric: ['<=', -1] }] }, { n: -1 })).toBe(true);
  });

  it('wildcard: a star at either end, stars that must not overlap', () => {
    expect(matches({ f: [{ wildcard: '*.png' }] }, { f: '.png' })).toBe(true);
    expect(matches({ f: [{ wildcard: 'ab*ba' }] }, { f: 'aba' })).toBe(false);
    expect(matches({ f: [{ wildcard: 'ab*ba' }] }, { f: 'abba' })).toBe(true);
    expect(matches({ f: [{ wildcard: 'a*b*c' }] }, { f: 'a-c-b' })).toBe(false);
    expect(matches({ f: [{ wildcard: '*' }] }, { f: '' })).toBe(true);
    expect(matches({ f: [{ wildcard: 'exact' }] }, { f: 'exact' })).toBe(true);
  });

  it('anything-but with a list of wildcards or ignore-case values excludes each', () => {
    const rule = { f: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] };
    expect(matches(rule, { f: '/usr/bin/x' })).toBe(false);
    expect(matches(rule, { f: '/usr/share/x' })).toBe(true);
    const folded = { s: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] };
    expect(matches(folded, { s: 'overloaded' })).toBe(false);
    expect(matches(folded, { s: 'running' })).toBe(true);
  });
});

describe('pattern problems (every one reported, with its path)', () => {
  const cases: [string, unknown, string][] = [
    [
      'a scalar instead of a list',
      { type: 'invoice.paid' },
      'when.type: must be a list of allowed values, e.g. ["invoice.paid"]',
    ],
    ['an empty list', { type: [] }, 'when.type: list at least one allowed value'],
    ['a nested list', { type: [['a']] }, 'when.type[0]: a list of values cannot contain another list'],
    [
      'an operator without its list',
      { s: { prefix: 'a' } },
      'when.s: "prefix" is an operator: wrap it in a list',
    ],
    ['an unknown operator', { s: [{ contains: 'a' }] }, 'when.s[0].contains: unknown operator "contains"'],
    [
      'two operators in one object',
      { s: [{ prefix: 'a', suffix: 'b' }] },
      'when.s[0]: an operator object has exactly one key',
    ],
    [
      'prefix that is not a string',
      { s: [{ prefix: 5 }] },
      'when.s[0].prefix: must be a string or { equals-ignore-case: string }',
    ],
    [
      'equals-ignore-case on a number',
      { s: [{ 'equals-ignore-case': 5 }] },
      'when.s[0].equals-ignore-case: must be a string',
    ],
    [
      'consecutive wildcards',
      { s: [{ wildcard: 'a**b' }] },
      'when.s[0].wildcard: consecutive "*" are not allowed',
    ],
    [
      'a bad wildcard escape',
      { s: [{ wildcard: 'a\\b' }] },
      'when.s[0].wildcard: a backslash may only escape',
    ],
    [
      'anything-but with a mixed list',
      { s: [{ 'anything-but': ['a', 1] }] },
      'when.s[0].anything-but: a list must be non-empty and hold only strings or only numbers',
    ],
    [
      'anything-but with an empty list',
      { s: [{ 'anything-but': [] }] },
      'when.s[0].anything-but: a list must be non-empty',
    ],
    [
      'anything-but with an unknown operator',
      { s: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'when.s[0].anything-but: must be a string, a number',
    ],
    [
      'anything-but with an empty prefix list',
      { s: [{ 'anything-but': { prefix: [] } }] },
      'when.s[0].anything-but.prefix: must be a string or a non-empty list of strings',
    ],
    [
      'numeric with an unknown operator',
      { n: [{ numeric: ['!=', 1] }] },
      'when.n[0].numeric: must be ["=", n]',
    ],
    [
      'numeric upper bound first',
      { n: [{ numeric: ['<', 5, '>', 1] }] },
      'when.n[0].numeric: must be ["=", n]',
    ],
    [
      'numeric bounds the wrong way round',
      { n: [{ numeric: ['>', 5, '<', 1] }] },
      'when.n[0].numeric: the lower bound must be below the upper',
    ],
    ['numeric without a number', { n: [{ numeric: ['>', 'five'] }] }, 'when.n[0].numeric: >: needs a number'],
    ['exists that is not a boolean', { n: [{ exists: 'yes' }] }, 'when.n[0].exists: must be true or false'],
    ['a bad cidr', { ip: [{ cidr: '10.0.0.0/8/1' }] }, 'when.ip[0].cidr: must be an IPv4 or IPv6 range'],
    [
      'a cidr mask too long',
      { ip: [{ cidr: '10.0.0.0/33' }] },
      'when.ip[0].cidr: the mask must be below /32',
    ],
    [
      '$or with one alternative',
      { $or: [{ a: ['x'] }] },
      'when.$or: must be a list of at least two patterns',
    ],
    [
      'a problem inside $or',
      { $or: [{ a: ['x'] }, { b: 'y' }] },
      'when.$or[1].b: must be a list of allowed values',
    ],
    ['an infinite number', { n: [Number.POSITIVE_INFINITY] }, 'when.n[0]: numbers must be finite'],
  ];

  it.each(cases)('reports %s', (_name, source, expected) => {
    const problems = patternProblems(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('reports every problem of a pattern at once', () => {
    const problems = patternProblems({ a: 'x', b: [], c: { d: [{ wildcard: '**' }] } });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'when.a',
      'when.b',
      'when.c.d[0].wildcard',
    ]);
  });

  it('refuses a pattern that is not an object', () => {
    expect(patternProblems(['type'])).toEqual([
      'when: must be an object of field names (an EventBridge event pattern)',
    ]);
  });
});

describe('why a pattern does not match', () => {
  it('names the field, its value and what was wanted', () => {
    expect(whyNot({ type: ['invoice.paid'] }, { type: 'invoice.created' })).toBe(
      'type is "invoice.created", wanted ["invoice.paid"]',
    );
  });

  it('says when a nested field is missing', () => {
    expect(whyNot({ data: { object: { status: ['active'] } } }, { data: {} })).toBe(
      'data.object.status is missing, wanted ["active"]',
    );
  });

  it('explains a failed $or by each alternative', () => {
    expect(whyNot({ $or: [{ a: ['x'] }, { b: ['y'] }] }, { a: 'z' })).toBe(
      'no $or alternative matches (a is "z", wanted ["x"]; b is missing, wanted ["y"])',
    );
  });

  it('shortens long values', () => {
    const reason = whyNot({ s: ['x'] }, { s: 'y'.repeat(500) }) as string;
    expect(reason.length).toBeLessThan(120);
  });

  it('is undefined when the pattern matches', () => {
    expect(whyNot({ type: ['a'] }, { type: 'a' })).toBeUndefined();
  });
});

// AWS EventBridge user guide, "Content filtering in Amazon EventBridge event patterns": anything-but takes a
// list of prefixes or suffixes; event-ruler rejects an empty prefix or suffix inside anything-but.
describe('anything-but with prefix/suffix lists (issue 15)', () => {
  it('excludes values with any of the listed prefixes or suffixes', () => {
    const when = { k: [{ 'anything-but': { prefix: ['a', 'b'] } }] };
    expect(matches(when, { k: 'apple' })).toBe(false);
    expect(matches(when, { k: 'banana' })).toBe(false);
    expect(matches(when, { k: 'cherry' })).toBe(true);
    const ends = { k: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }] };
    expect(matches(ends, { k: 'x.jpg' })).toBe(false);
    expect(matches(ends, { k: 'x.gif' })).toBe(true);
  });

  it('rejects an empty prefix or suffix, as AWS does', () => {
    expect(patternProblems({ k: [{ 'anything-but': { prefix: '' } }] })).not.toEqual([]);
    expect(patternProblems({ k: [{ 'anything-but': { suffix: '' } }] })).not.toEqual([]);
  });
});
