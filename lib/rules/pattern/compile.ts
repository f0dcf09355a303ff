// Compiles an EventBridge event pattern (the `when` of a rule) into a tree, reporting every problem in it.
import { isPlainObject } from '../json.ts';
import type { Report } from '../report.ts';
import { compileLeaf, type Leaf, OPERATORS } from './leaf.ts';

/** One object level of a pattern: every field must match, and each `$or` needs one matching alternative. */
export interface PatternNode {
  fields: readonly PatternField[];
  ors: readonly (readonly PatternNode[])[];
}

export type PatternField =
  | { key: string; leaf: Leaf; nested?: undefined }
  | { key: string; nested: PatternNode; leaf?: undefined };

const OPERATOR_NAMES: ReadonlySet<string> = new Set(OPERATORS);

/** Compiles `pattern` found at `path` (e.g. `when`). Problems go to `report`; the result is only used if none. */
export function compilePattern(pattern: unknown, path: string, report: Report): PatternNode {
  if (!isPlainObject(pattern)) {
    report(path, 'must be an object of field names (an EventBridge event pattern)');
    return { fields: [], ors: [] };
  }
  const fields: PatternField[] = [];
  const ors: PatternNode[][] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const at = `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) {
        report(at, 'must be a list of at least two patterns');
        continue;
      }
      ors.push(value.map((alternative, index) => compilePattern(alternative, `${at}[${index}]`, report)));
    } else if (Array.isArray(value)) {
      fields.push({ key, leaf: compileLeaf(value, at, report) });
    } else if (isPlainObject(value)) {
      const keys = Object.keys(value);
      const operator = keys.find((name) => OPERATOR_NAMES.has(name));
      if (operator !== undefined && keys.length === 1) {
        report(at, `"${operator}" is an operator: wrap it in a list, [{ ${operator}: … }]`);
        continue;
      }
      fields.push({ key, nested: compilePattern(value, at, report) });
    } else {
      report(at, `must be a list of allowed values, e.g. [${JSON.stringify(value) ?? 'value'}]`);
    }
  }
  return { fields, ors };
}
