// Matching a compiled pattern against an event, the way EventBridge does, plus a "why not" for traces.
import { isPlainObject, isPrimitive, ownValue, type Primitive, preview } from '../json.ts';
import type { PatternNode } from './compile.ts';
import type { Leaf } from './leaf.ts';

/**
 * Fields are ANDed, `$or` alternatives ORed. Where the event holds an array of objects, every field of the
 * nested pattern must match within ONE element (event-ruler's array-consistent matching); an empty array
 * counts as absent.
 */
export function matchNode(node: PatternNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    if (value.length === 0) return matchNode(node, undefined);
    for (const item of value) if (matchNode(node, item)) return true;
    return false;
  }
  for (const field of node.fields) {
    const child = ownValue(value, field.key);
    if (field.leaf ? !matchLeaf(field.leaf, child) : !matchNode(field.nested, child)) return false;
  }
  for (const alternatives of node.ors) {
    if (!alternatives.some((alternative) => matchNode(alternative, value))) return false;
  }
  return true;
}

/** A leaf matches when some primitive under the field passes (arrays crushed), or on existence. */
export function matchLeaf(leaf: Leaf, value: unknown): boolean {
  if (isPrimitive(value)) return leaf.existsTrue || testPrimitive(leaf, value);
  const primitives: Primitive[] = [];
  collectPrimitives(value, primitives);
  if (primitives.length === 0) return leaf.existsFalse;
  if (leaf.existsTrue) return true;
  return primitives.some((primitive) => testPrimitive(leaf, primitive));
}

function testPrimitive(leaf: Leaf, value: Primitive): boolean {
  if (leaf.exact.has(value)) return true;
  for (const test of leaf.tests) if (test(value)) return true;
  return false;
}

/** Leaves only: objects are intermediate nodes, so `exists` ignores them (EventBridge: leaf nodes only). */
function collectPrimitives(value: unknown, out: Primitive[]): void {
  if (isPrimitive(value)) out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectPrimitives(item, out);
}

export type Matcher = (value: unknown) => boolean;

/**
 * The same semantics as `matchNode`, compiled once into closures: no per-event branching on the pattern's
 * shape, and the common leaf (exact values only, scalar event value) costs one Set lookup.
 */
export function compileMatcher(node: PatternNode): Matcher {
  const fields = node.fields.map(
    (field) => [field.key, field.leaf ? leafMatcher(field.leaf) : compileMatcher(field.nested)] as const,
  );
  const ors = node.ors.map((alternatives) => alternatives.map(compileMatcher));
  const matchObject = (value: unknown): boolean => {
    const object = isPlainObject(value) ? value : undefined;
    for (const [key, test] of fields) {
      if (!test(object !== undefined && Object.hasOwn(object, key) ? object[key] : undefined)) return false;
    }
    for (const alternatives of ors) {
      if (!alternatives.some((alternative) => alternative(value))) return false;
    }
    return true;
  };
  const matcher: Matcher = (value) => {
    if (!Array.isArray(value)) return matchObject(value);
    if (value.length === 0) return matchObject(undefined);
    for (const item of value) if (matcher(item)) return true;
    return false;
  };
  return matcher;
}

function leafMatcher(leaf: Leaf): Matcher {
  if (leaf.tests.length > 0 || leaf.existsTrue || leaf.existsFalse) return (value) => matchLeaf(leaf, value);
  const { exact } = leaf;
  return (value) => (isPrimitive(value) ? exact.has(value) : matchLeaf(leaf, value));
}

/** Why `node` does not match `value` (undefined when it does). Slow path, for `rules test` and explain mode. */
export function explainMismatch(node: PatternNode, value: unknown, path = ''): string | undefined {
  if (matchNode(node, value)) return undefined;
  if (Array.isArray(value) && value.length > 0) {
    const first = explainMismatch(node, value[0], `${path}[0]`);
    return `no element of ${path || 'the event'} matches (${first})`;
  }
  for (const field of node.fields) {
    const child = ownValue(value, field.key);
    const at = path ? `${path}.${field.key}` : field.key;
    if (field.leaf) {
      if (!matchLeaf(field.leaf, child)) return `${at} is ${preview(child)}, wanted ${field.leaf.text}`;
    } else if (!matchNode(field.nested, child)) {
      return explainMismatch(
        field.nested,
        isPlainObject(child) || Array.isArray(child) ? child : undefined,
        at,
      );
    }
  }
  const index = node.ors.findIndex((alternatives) => !alternatives.some((a) => matchNode(a, value)));
  const reasons = (node.ors[index] ?? []).map((alternative) => explainMismatch(alternative, value, path));
  return `no $or alternative matches (${reasons.join('; ')})`;
}
