// The rule index may only drop rules that cannot match, and must drop those filed under other values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchNode } from '../../../lib/rules/pattern/match.ts';
import { RuleIndex } from '../../../lib/rules/pattern/rule-index.ts';
import { pattern } from './helpers.ts';

const field = fc.constantFrom('type', 'status', 'kind');
const scalar = fc.constantFrom<string | number | null>('a', 'b', 'c', 1, 2, null);
const allowed = fc.oneof(
  scalar,
  fc.constantFrom(
    { prefix: 'a' },
    { 'anything-but': 'a' },
    { exists: true },
    { exists: false },
    { numeric: ['>', 1] },
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
      fc.property(fc.array(patternArb, { minLength: 1, maxLength: 12 }), eventArb, (sources, event) => {
        const nodes = sources.map((source) => pattern(source));
        const candidates = new Set(new RuleIndex(nodes).candidates(event));
        nodes.forEach((node, position) => {
          if (matchNode(node, event)) expect(candidates.has(position)).toBe(true);
        });
      }),
      { numRuns: 400 },
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

  it('always offers rules without an exact field, and never disabled ones', () => {
    const nodes = [pattern({ type: [{ prefix: 'a' }] }), undefined, pattern({ type: ['z'] })];
    expect(new RuleIndex(nodes).candidates({ type: 'b' })).toEqual([0]);
  });
});
