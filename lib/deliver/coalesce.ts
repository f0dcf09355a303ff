// Plans the Userflow calls for one message group's commands in one batch: consecutive upserts of the same user
// (or group) become one call when Userflow would end in exactly the same state; anything else keeps its call.
import type { Attributes, AttributeValue, Command, CommandOf } from '../commands/index.ts';

export interface PlannedCall {
  /** What to send: a command as delivery already knows how to execute it. */
  command: Command;
  /** Positions (in the input) of every command this one call delivers, in order. */
  covers: number[];
}

type Upsert = CommandOf<'upsert_user'> | CommandOf<'upsert_group'>;

/** The calls for `commands`, in order; each command is covered by exactly one call. */
export function planCalls(commands: readonly Command[]): PlannedCall[] {
  const plan: PlannedCall[] = [];
  commands.forEach((command, at) => {
    const last = plan.at(-1);
    const merged = last && merge(last.command, command);
    if (last && merged) {
      last.command = merged;
      last.covers.push(at);
    } else plan.push({ command, covers: [at] });
  });
  return plan;
}

/** `earlier` then `later` as one command, or undefined when they must stay two calls. */
export function merge(earlier: Command, later: Command): Command | undefined {
  if (!sameTarget(earlier, later)) return undefined;
  const a = earlier as Upsert;
  const b = later as Upsert;
  const attributes = mergeAttributes(a.attributes, b.attributes);
  if (attributes === undefined) return undefined;
  if (a.type === 'upsert_group') return { ...a, ...(attributes.size ? { attributes: attributes.map } : {}) };
  const user = b as CommandOf<'upsert_user'>;
  const groups = mergeLists(a.groups, user.groups, (g) => g.id);
  const memberships = mergeLists(a.memberships, user.memberships, (m) => m.group.id);
  if (groups === false || memberships === false) return undefined;
  // Userflow takes one of the two forms per request.
  if (groups && memberships) return undefined;
  const { attributes: _a, groups: _g, memberships: _m, ...rest } = a;
  return {
    ...rest,
    ...(attributes.size ? { attributes: attributes.map } : {}),
    ...(groups ? { groups } : {}),
    ...(memberships ? { memberships } : {}),
  };
}

/**
 * Same kind of upsert, same id (or the same lookup), same `only_if_exists`. Two commands with the same lookup
 * find the same user unless the first writes the looked-up attribute itself: then they stay apart.
 */
function sameTarget(a: Command, b: Command): boolean {
  if (a.type === 'upsert_group' && b.type === 'upsert_group')
    return a.group_id === b.group_id && a.only_if_exists === b.only_if_exists;
  if (a.type !== 'upsert_user' || b.type !== 'upsert_user' || a.only_if_exists !== b.only_if_exists)
    return false;
  if (a.user_id !== undefined) return a.user_id === b.user_id;
  const [x, y] = [a.user_lookup, b.user_lookup];
  return (
    x !== undefined &&
    y !== undefined &&
    x.attribute === y.attribute &&
    x.value === y.value &&
    x.if_missing === y.if_missing &&
    !(x.attribute in (a.attributes ?? {}))
  );
}

/**
 * The two lists end to end, when no group appears in both (how Userflow applies one group twice in one request
 * is not documented); `false` when one does.
 */
function mergeLists<T>(
  a: T[] | undefined,
  b: T[] | undefined,
  id: (item: T) => string,
): T[] | undefined | false {
  if (!a || !b) return a ?? b;
  const ids = new Set(a.map(id));
  if (b.some((item) => ids.has(id(item)))) return false;
  return [...a, ...b];
}

/** Attributes of both, applied in order: undefined when one name's two changes cannot be one change. */
function mergeAttributes(
  a: Attributes | undefined,
  b: Attributes | undefined,
): { map: Attributes; size: number } | undefined {
  const map: Attributes = { ...a };
  for (const [name, value] of Object.entries(b ?? {})) {
    if (!(name in map)) {
      map[name] = value;
      continue;
    }
    const combined = combine(map[name] as AttributeValue, value);
    if (combined === undefined) return undefined;
    map[name] = combined;
  }
  return { map, size: Object.keys(map).length };
}

const op = (value: AttributeValue): string =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (Object.keys(value).find((k) => k !== 'data_type') as string)
    : 'literal';

const operand = (value: AttributeValue): unknown =>
  op(value) === 'literal' ? value : (value as Record<string, unknown>)[op(value)];

const hasDataType = (value: AttributeValue): boolean =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && 'data_type' in value;

/** A whole number that adds up with another without rounding (so the order of additions cannot matter). */
const exact = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);

/**
 * One change with the effect of `first` then `second` on one attribute, or undefined. Only the cases whose
 * result (value, and the attribute's inferred type) is certain are combined:
 * - the same value twice: once;
 * - two numbers set in turn: the second (a number stays a number);
 * - whole-number `add`/`subtract` in a row: one `add` of the sum; a whole number set, then added to: the sum;
 * - `set_once` after a value or another `set_once`: the first (the second never applies).
 */
function combine(first: AttributeValue, second: AttributeValue): AttributeValue | undefined {
  if (hasDataType(first) || hasDataType(second)) return undefined;
  const [p, q] = [op(first), op(second)];
  const [x, y] = [operand(first), operand(second)];
  const setLike = (o: string) => o === 'literal' || o === 'set';
  if (JSON.stringify(first) === JSON.stringify(second) && (setLike(p) || p === 'set_once')) return first;
  if (setLike(p) && setLike(q) && typeof x === 'number' && typeof y === 'number') return second;
  if (setLike(p) && setLike(q) && typeof x === 'boolean' && typeof y === 'boolean') return second;
  const signed = (o: string, n: unknown) => (o === 'add' ? n : o === 'subtract' ? -(n as number) : undefined);
  const dy = signed(q, y);
  if (exact(dy)) {
    const dx = signed(p, x);
    if (exact(dx) && Number.isSafeInteger(dx + dy)) return { add: dx + dy };
    if (setLike(p) && exact(x) && Number.isSafeInteger(x + dy)) return x + dy;
  }
  if (q === 'set_once' && ((setLike(p) && x !== null) || p === 'set_once')) return first;
  return undefined;
}
