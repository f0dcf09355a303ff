// Small helpers for walking parsed JSON safely (own properties only, arrays crushed the way event patterns see them).

export type Primitive = string | number | boolean | null;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPrimitive(value: unknown): value is Primitive {
  return (
    value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number'
  );
}

/** `object[key]` for own properties only, so `constructor` or `__proto__` in a pattern never reach the prototype. */
export function ownValue(object: unknown, key: string): unknown {
  if (!isPlainObject(object) || !Object.hasOwn(object, key)) return undefined;
  return object[key];
}

/**
 * Every primitive at `path`, descending through arrays at any level ("array crushing" in event-ruler terms).
 * Used by the rule index, which only needs a necessary condition.
 */
export function primitivesAt(value: unknown, path: readonly string[], out: Primitive[], depth = 0): void {
  if (Array.isArray(value)) {
    for (const item of value) primitivesAt(item, path, out, depth);
    return;
  }
  if (depth === path.length) {
    if (isPrimitive(value)) out.push(value);
    return;
  }
  const next = ownValue(value, path[depth] as string);
  if (next !== undefined) primitivesAt(next, path, out, depth + 1);
}

/** A short, single-line rendering of a value for trace reasons (never a whole payload). */
export function preview(value: unknown, max = 60): string {
  if (value === undefined) return 'missing';
  if (isPlainObject(value)) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
