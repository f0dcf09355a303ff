// An index from field values to the rules that require them, so an event only meets rules that can match.
import { type Primitive, primitivesAt } from '../json.ts';
import type { PatternNode } from './compile.ts';
import { inRange, type NumericRange } from './leaf.ts';

/**
 * A field the pattern requires (top-level AND only, never inside `$or`) to pass one of its alternatives, when
 * every alternative is one an index can look up: an exact value, a case-sensitive prefix, a numeric range.
 */
export interface Constraint {
  path: readonly string[];
  values: readonly Primitive[];
  prefixes: readonly string[];
  ranges: readonly NumericRange[];
}

export function constraints(node: PatternNode, prefix: readonly string[] = []): Constraint[] {
  const found: Constraint[] = [];
  for (const field of node.fields) {
    const path = [...prefix, field.key];
    if (field.nested) {
      found.push(...constraints(field.nested, path));
      continue;
    }
    const { exact, tests, ranges, prefixes, existsTrue, existsFalse } = field.leaf;
    if (existsTrue || existsFalse || tests.length !== ranges.length + prefixes.length) continue;
    found.push({ path, values: [...exact], prefixes, ranges });
  }
  return found;
}

/** The lookup keys of a constraint, for counting how many rules share each. */
function keysOf(constraint: Constraint): string[] {
  const path = JSON.stringify(constraint.path);
  return [
    ...constraint.values.map((value) => `${path}=${JSON.stringify(value)}`),
    ...constraint.prefixes.map((prefix) => `${path}^${prefix}`),
    ...constraint.ranges.map((range) => `${path}#${JSON.stringify(range)}`),
  ];
}

const isExactOnly = (constraint: Constraint) =>
  constraint.prefixes.length === 0 && constraint.ranges.length === 0;

/** An exact constraint shared by at most this many rules wins over a prefix or range, which say less. */
const CROWDED = 4;

interface RangeEntry {
  rule: number;
  range: NumericRange;
  lowest: number;
}

interface PathIndex {
  path: readonly string[];
  exact: Map<Primitive, number[]>;
  prefixes: Map<string, number[]>;
  /** Distinct prefix lengths, ascending: a string value is looked up once per length. */
  prefixLengths: number[];
  /** Sorted by lower bound: a number only scans the ranges that start at or below it. */
  ranges: RangeEntry[];
}

/**
 * Like event-ruler, uses every field it can: each rule is filed under its most selective constraint (the one
 * whose values, prefixes or ranges the fewest other rules share), so rules that differ only in a second field,
 * or share an event type but want different amounts or id prefixes, still separate. Rules with no indexable
 * constraint are always candidates. Filing is only a necessary condition: candidates still run their matcher.
 */
export class RuleIndex {
  private readonly paths: PathIndex[] = [];
  private readonly always: number[] = [];

  constructor(patterns: readonly (PatternNode | undefined)[]) {
    const lists = patterns.map((pattern) => (pattern ? constraints(pattern) : []));
    const share = new Map<string, number>();
    for (const list of lists)
      for (const c of list) for (const key of keysOf(c)) share.set(key, (share.get(key) ?? 0) + 1);
    const cost = (constraint: Constraint) =>
      keysOf(constraint).reduce((sum, key) => sum + (share.get(key) ?? 0), 0);
    lists.forEach((list, rule) => {
      if (patterns[rule] === undefined) return; // disabled: never a candidate
      const ranked = list
        .map((constraint) => ({ constraint, cost: cost(constraint) }))
        .sort((a, b) => a.cost - b.cost);
      const exact = ranked.find(({ constraint }) => isExactOnly(constraint));
      const best = exact && exact.cost <= CROWDED ? exact : ranked[0];
      if (best) this.file(rule, best.constraint);
      else this.always.push(rule);
    });
    for (const index of this.paths) {
      index.ranges.sort((a, b) => a.lowest - b.lowest || a.rule - b.rule);
      index.prefixLengths = [...new Set([...index.prefixes.keys()].map((prefix) => prefix.length))].sort(
        (a, b) => a - b,
      );
    }
  }

  /** Rule positions that may match `payload`, ascending, each once. */
  candidates(payload: unknown): readonly number[] {
    // Every bucket is already in rule order, so the usual case (one bucket hit) needs no copy or sort.
    const lists: (readonly number[])[] = this.always.length > 0 ? [this.always] : [];
    const values: Primitive[] = [];
    for (const index of this.paths) {
      values.length = 0;
      primitivesAt(payload, index.path, values);
      for (const value of values) collect(index, value, lists);
    }
    if (lists.length === 0) return [];
    return lists.reduce(mergeSorted);
  }

  private file(rule: number, constraint: Constraint): void {
    const key = JSON.stringify(constraint.path);
    let index = this.paths.find((candidate) => JSON.stringify(candidate.path) === key);
    if (!index) {
      index = { path: constraint.path, exact: new Map(), prefixes: new Map(), prefixLengths: [], ranges: [] };
      this.paths.push(index);
    }
    for (const value of constraint.values) push(index.exact, value, rule);
    for (const prefix of constraint.prefixes) push(index.prefixes, prefix, rule);
    for (const range of constraint.ranges) {
      index.ranges.push({ rule, range, lowest: range.lower?.value ?? Number.NEGATIVE_INFINITY });
    }
  }
}

function collect(index: PathIndex, value: Primitive, lists: (readonly number[])[]): void {
  const exact = index.exact.get(value);
  if (exact) lists.push(exact);
  if (typeof value === 'string') {
    for (const length of index.prefixLengths) {
      if (length > value.length) break;
      const rules = index.prefixes.get(value.slice(0, length));
      if (rules) lists.push(rules);
    }
  } else if (typeof value === 'number' && index.ranges.length > 0) {
    const hits: number[] = [];
    const end = firstAbove(index.ranges, value);
    for (let i = 0; i < end; i += 1) {
      const entry = index.ranges[i] as RangeEntry;
      if (inRange(entry.range, value)) hits.push(entry.rule);
    }
    if (hits.length > 0) lists.push(hits.sort((a, b) => a - b));
  }
}

function push<K>(map: Map<K, number[]>, key: K, rule: number): void {
  const rules = map.get(key);
  if (!rules) map.set(key, [rule]);
  else if (rules[rules.length - 1] !== rule) rules.push(rule);
}

/** How many entries start at or below `value` (binary search over the sorted lower bounds). */
function firstAbove(entries: readonly RangeEntry[], value: number): number {
  let [low, high] = [0, entries.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((entries[middle] as RangeEntry).lowest <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Union of two ascending lists, ascending, without duplicates. */
function mergeSorted(a: readonly number[], b: readonly number[]): readonly number[] {
  const merged: number[] = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number)) ? a[i++] : b[j++];
    if (merged[merged.length - 1] !== next) merged.push(next as number);
  }
  return merged;
}
