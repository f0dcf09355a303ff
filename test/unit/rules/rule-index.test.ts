// The rule index may only drop rules that cannot match, and must drop those filed under other values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMatcher, matchNode } from '../../../lib/rules/pattern/match.ts';
import { RuleIndex } from '../../../lib/rules/pattern/rule-index.ts';
import { pattern } from './helpers.ts';

const field = fc.constantFrom('type', 'status', 'kind');
const scalar = fc.constantFrom<string | number | null>('a', 'ab', 'ba', 'c', 0.5, 1, 2, 3, null);
const allowed = fc.oneof(
  scalar,
  fc.constantFrom(
    { prefix: 'a' },
    { prefix: 'ab' },
    { prefix: '' },
    { suffix: 'a' },
    { 'anything-but': 'a' },
    { exists: true },
    { exists: false },
    { numeric: ['>', 1] },
    { numeric: ['>=', 1, '<', 2] },
    { numeric: ['<', 2] },
    { numeric: ['=', 3] },
    { 'equals-ignore-case': 'B' },
  ),
);
const leaf = fc.array(allowed, { minLength: 1, maxLength: 3 });
const flat = fc.dictionary(field, leaf, { maxKeys: 2 });
const patternArb = fc
  .record(
    {
      top: flat,
      nested: fc.dictionary(fc.constantFrom('data', 'items'), flat, { maxKeys: 1 }),
      or: fc.option(fc.tuple(flat, flat), { nil: undefined }),
    },
    { requiredKeys: ['top', 'nested'] },
  )
  .map(({ top, nested, or }) => ({ ...top, ...nested, ...(or ? { $or: or } : {}) }));

const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 2 }));
const object = fc.dictionary(field, value, { maxKeys: 3 });
const eventArb = fc
  .record({
    top: object,
    data: fc.option(fc.oneof(object, fc.array(object, { maxLength: 2 })), { nil: undefined }),
    items: fc.option(fc.array(object, { maxLength: 3 }), { nil: undefined }),
  })
  .map(({ top, data, items }) => ({
    ...top,
    ...(data === undefined ? {} : { data }),
    ...(items === undefined ? {} : { items }),
  }));

describe('RuleIndex', () => {
  it('never leaves out a rule that matches (property)', () => {
    fc.assert(
      // Up to 24 rules over 3 fields, so buckets get crowded and rules are filed by prefix or range too.
      fc.property(fc.array(patternArb, { minLength: 1, maxLength: 24 }), eventArb, (sources, event) => {
        const nodes = sources.map((source) => pattern(source));
        const candidates = new Set(new RuleIndex(nodes).candidates(event));
        nodes.forEach((node, position) => {
          if (matchNode(node, event)) expect(candidates.has(position)).toBe(true);
        });
      }),
      { numRuns: 600 },
    );
  });

  it('agrees with the compiled matcher that evaluate uses (property)', () => {
    fc.assert(
      fc.property(patternArb, eventArb, (source, event) => {
        const node = pattern(source);
        expect(compileMatcher(node)(event)).toBe(matchNode(node, event));
      }),
      { numRuns: 1000 },
    );
  });

  it('returns candidates once each, in rule order', () => {
    const nodes = [pattern({ type: ['a', 'b'] }), pattern({ status: ['x'] }), pattern({ type: ['a'] })];
    expect(new RuleIndex(nodes).candidates({ type: ['a', 'b'], status: 'x' })).toEqual([0, 1, 2]);
  });

  it('skips rules filed under other values, whatever the number of rules', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => pattern({ type: [`event.${i}`] }));
    expect(new RuleIndex(nodes).candidates({ type: 'event.500' })).toEqual([500]);
    expect(new RuleIndex(nodes).candidates({ type: 'other' })).toEqual([]);
  });

  it('files a rule under its most selective exact field, so a shared type does not make it a candidate', () => {
    const nodes = Array.from({ length: 100 }, (_, i) =>
      pattern({ type: ['contact.propertyChange'], propertyName: [`p${i}`] }),
    );
    expect(new RuleIndex(nodes).candidates({ type: 'contact.propertyChange', propertyName: 'p42' })).toEqual([
      42,
    ]);
  });

  it('files rules that share a crowded type by their numeric range', () => {
    const nodes = Array.from({ length: 50 }, (_, i) =>
      pattern({ type: ['invoice.paid'], amount: [{ numeric: ['>=', i * 100, '<', (i + 1) * 100] }] }),
    );
    const index = new RuleIndex(nodes);
    expect(index.candidates({ type: 'invoice.paid', amount: 4250 })).toEqual([42]);
    expect(index.candidates({ type: 'invoice.paid', amount: 99_999 })).toEqual([]);
    expect(index.candidates({ type: 'invoice.paid', amount: '4250' })).toEqual([]);
  });

  it('files rules that share a crowded type by their id prefix, a value list with prefixes included', () => {
    const nodes = Array.from({ length: 50 }, (_, i) =>
      pattern({ type: ['t'], id: [`exact_${i}`, { prefix: `p${i}_` }] }),
    );
    const index = new RuleIndex(nodes);
    expect(index.candidates({ type: 't', id: 'p7_abc' })).toEqual([7]);
    expect(index.candidates({ type: 't', id: 'exact_9' })).toEqual([9]);
    expect(index.candidates({ type: 't', id: ['p1_x', 'p12_y'] })).toEqual([1, 12]);
  });

  it('keeps a rule under its exact type when few rules share it', () => {
    const nodes = [pattern({ type: ['t'], amount: [{ numeric: ['>', 0] }] })];
    expect(new RuleIndex(nodes).candidates({ type: 'u', amount: 5 })).toEqual([]);
  });

  it('always offers rules without an indexable field, and never disabled ones', () => {
    const nodes = [pattern({ type: [{ suffix: 'a' }] }), undefined, pattern({ type: ['z'] })];
    expect(new RuleIndex(nodes).candidates({ type: 'b' })).toEqual([0]);
  });
});
