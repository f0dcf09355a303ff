// An index from exact field values to the rules that require them, so an event only meets rules that can match.
import { type Primitive, primitivesAt } from '../json.ts';
import type { PatternNode } from './compile.ts';

/** A field the pattern requires to hold one of `values` (top-level AND only; never inside `$or`). */
export interface ExactConstraint {
  path: readonly string[];
  values: readonly Primitive[];
}

export function exactConstraints(node: PatternNode, prefix: readonly string[] = []): ExactConstraint[] {
  const found: ExactConstraint[] = [];
  for (const field of node.fields) {
    const path = [...prefix, field.key];
    if (field.nested) found.push(...exactConstraints(field.nested, path));
    else if (field.leaf.tests.length === 0 && !field.leaf.existsTrue && !field.leaf.existsFalse) {
      found.push({ path, values: [...field.leaf.exact] });
    }
  }
  return found;
}

interface PathIndex {
  path: readonly string[];
  byValue: Map<Primitive, number[]>;
}

/**
 * Like event-ruler, uses every exact-value field: each rule is filed under its most selective exact constraint
 * (the one whose values fewest other rules share), so rules differing only in a second field still separate.
 * Rules with no exact constraint are always candidates. Candidates come back in rule order.
 */
export class RuleIndex {
  private readonly paths: PathIndex[] = [];
  private readonly always: number[] = [];

  constructor(patterns: readonly (PatternNode | undefined)[]) {
    const constraints = patterns.map((pattern) => (pattern ? exactConstraints(pattern) : []));
    const share = new Map<string, number>();
    const keyOf = (path: readonly string[], value: Primitive) =>
      `${JSON.stringify(path)}=${JSON.stringify(value)}`;
    for (const list of constraints) {
      for (const { path, values } of list)
        for (const v of values) share.set(keyOf(path, v), (share.get(keyOf(path, v)) ?? 0) + 1);
    }
    constraints.forEach((list, rule) => {
      if (patterns[rule] === undefined) return; // disabled: never a candidate
      let best: ExactConstraint | undefined;
      let bestCost = Number.POSITIVE_INFINITY;
      for (const constraint of list) {
        const cost = constraint.values.reduce<number>(
          (sum, v) => sum + (share.get(keyOf(constraint.path, v)) ?? 0),
          0,
        );
        if (cost < bestCost) [best, bestCost] = [constraint, cost];
      }
      if (!best) {
        this.always.push(rule);
        return;
      }
      const index = this.pathIndex(best.path);
      for (const value of best.values) {
        const rules = index.byValue.get(value);
        if (rules) rules.push(rule);
        else index.byValue.set(value, [rule]);
      }
    });
  }

  /** Rule positions that may match `payload`, ascending. */
  candidates(payload: unknown): number[] {
    const found: number[] = [...this.always];
    const values: Primitive[] = [];
    for (const { path, byValue } of this.paths) {
      values.length = 0;
      primitivesAt(payload, path, values);
      for (const value of values) {
        const rules = byValue.get(value);
        if (rules) for (const rule of rules) found.push(rule);
      }
    }
    if (found.length < 2) return found;
    return [...new Set(found)].sort((a, b) => a - b);
  }

  private pathIndex(path: readonly string[]): PathIndex {
    const key = JSON.stringify(path);
    let index = this.paths.find((candidate) => JSON.stringify(candidate.path) === key);
    if (!index) {
      index = { path, byValue: new Map() };
      this.paths.push(index);
    }
    return index;
  }
}
