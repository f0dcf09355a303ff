// One field's list of allowed values in an event pattern (`[ "a", { "prefix": "b" }, … ]`), compiled to a test.

import { isPlainObject, isPrimitive, type Primitive } from '../json.ts';
import type { Report } from '../report.ts';
import { compileIgnoreCase, type StringTest } from './ignore-case.ts';
import { inSubnet, ipBytes, ipKey, type Subnet } from './ip.ts';
import { compileWildcard, wildcardProblem } from './wildcard.ts';

export const OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
] as const;

type ValueTest = (value: Primitive) => boolean;

/** A compiled leaf: matches when some primitive at the field passes a test, or on presence/absence. */
export interface Leaf {
  /** Exact literals, tested with one Set lookup (SameValueZero: `"5"` and `5` stay different). */
  exact: ReadonlySet<Primitive>;
  tests: readonly ValueTest[];
  existsTrue: boolean;
  existsFalse: boolean;
  /** The `numeric` ranges among `tests`, so the rule index can file rules by number too. */
  ranges: readonly NumericRange[];
  /** The case-sensitive `prefix` strings among `tests`, for the same reason. */
  prefixes: readonly string[];
  /** The leaf as written, for explanations. */
  text: string;
}

export interface Bound {
  value: number;
  inclusive: boolean;
}
export interface NumericRange {
  lower?: Bound;
  upper?: Bound;
}

/** Compiles `[…]` at `path`; reports each bad element and still returns a leaf for the good ones. */
export function compileLeaf(values: readonly unknown[], path: string, report: Report): Leaf {
  const exact = new Set<Primitive>();
  const tests: ValueTest[] = [];
  const ranges: NumericRange[] = [];
  const prefixes: string[] = [];
  const addresses = new Set<string>();
  let existsTrue = false;
  let existsFalse = false;
  if (values.length === 0) report(path, 'list at least one allowed value');
  values.forEach((value, index) => {
    const at = `${path}[${index}]`;
    if (isPrimitive(value)) {
      // event-ruler compiles a string that is an IP address into a match on the address, not the spelling.
      const address = typeof value === 'string' ? ipKey(value) : undefined;
      if (address !== undefined) addresses.add(address);
      else if (typeof value === 'number' && !Number.isFinite(value)) report(at, 'numbers must be finite');
      else exact.add(value);
      return;
    }
    if (Array.isArray(value)) {
      report(at, 'a list of values cannot contain another list');
      return;
    }
    if (!isPlainObject(value)) {
      report(at, 'must be a JSON value or an operator object');
      return;
    }
    const keys = Object.keys(value);
    if (keys.length !== 1) {
      report(at, `an operator object has exactly one key, one of: ${OPERATORS.join(', ')}`);
      return;
    }
    const operator = keys[0] as string;
    const argument = value[operator];
    const where = `${at}.${operator}`;
    if (operator === 'exists') {
      if (typeof argument !== 'boolean') report(where, 'must be true or false');
      else if (argument) existsTrue = true;
      else existsFalse = true;
      return;
    }
    if (operator === 'numeric') {
      const range = compileNumeric(argument, where, report);
      if (range) {
        ranges.push(range);
        tests.push(numericTest(range));
      }
      return;
    }
    if (operator === 'prefix' && typeof argument === 'string') prefixes.push(argument);
    const test = compileOperator(operator, argument, where, report);
    if (test) tests.push(test);
  });
  if (addresses.size > 0) tests.push(addressTest(addresses));
  return { exact, tests, existsTrue, existsFalse, ranges, prefixes, text: JSON.stringify(values) };
}

function compileOperator(
  operator: string,
  argument: unknown,
  at: string,
  report: Report,
): ValueTest | undefined {
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return compileAffix(operator, argument, at, report);
    case 'equals-ignore-case':
      if (typeof argument !== 'string') return void report(at, 'must be a string');
      return stringTest(compileIgnoreCase(argument, 'equals'));
    case 'wildcard': {
      if (typeof argument !== 'string') return void report(at, 'must be a string');
      const problem = wildcardProblem(argument);
      if (problem) return void report(at, problem);
      const matches = compileWildcard(argument);
      return (value) => typeof value === 'string' && matches(value);
    }
    case 'anything-but':
      return compileAnythingBut(argument, at, report);
    case 'cidr':
      return compileCidr(argument, at, report);
    default:
      report(at, `unknown operator "${operator}" (known: ${OPERATORS.join(', ')})`);
      return undefined;
  }
}

/** `{prefix: "us-"}` or `{prefix: {equals-ignore-case: "us-"}}` (same for suffix). Strings only. */
function compileAffix(
  operator: 'prefix' | 'suffix',
  argument: unknown,
  at: string,
  report: Report,
): ValueTest | undefined {
  const check = operator === 'prefix' ? startsWith : endsWith;
  if (typeof argument === 'string') return (value) => typeof value === 'string' && check(value, argument);
  if (isPlainObject(argument) && Object.keys(argument).length === 1) {
    const folded = argument['equals-ignore-case'];
    if (typeof folded === 'string') return stringTest(compileIgnoreCase(folded, operator));
  }
  report(at, 'must be a string or { equals-ignore-case: string }');
  return undefined;
}

const startsWith = (value: string, affix: string) => value.startsWith(affix);
const endsWith = (value: string, affix: string) => value.endsWith(affix);

/**
 * Anything-but matches every present value that is not excluded, whatever its type (as EventBridge compares
 * JSON representations: `{anything-but: "x"}` matches the number 5). It never matches a missing field.
 */
function compileAnythingBut(argument: unknown, at: string, report: Report): ValueTest | undefined {
  if (typeof argument === 'string' || typeof argument === 'number') {
    return (value) => value !== argument;
  }
  if (Array.isArray(argument)) {
    const allStrings = argument.every((item) => typeof item === 'string');
    const allNumbers = argument.every((item) => typeof item === 'number' && Number.isFinite(item));
    if (argument.length === 0 || !(allStrings || allNumbers)) {
      return void report(at, 'a list must be non-empty and hold only strings or only numbers');
    }
    const excluded = new Set<unknown>(argument);
    return (value) => !excluded.has(value);
  }
  if (isPlainObject(argument) && Object.keys(argument).length === 1) {
    const [[kind, inner]] = Object.entries(argument) as [[string, unknown]];
    const at2 = `${at}.${kind}`;
    switch (kind) {
      case 'prefix':
      case 'suffix': {
        // EventBridge takes one affix or a list of them, and refuses "" (it would exclude every string).
        const list = typeof inner === 'string' ? [inner] : inner;
        if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string')) {
          return void report(at2, 'must be a string or a non-empty list of strings');
        }
        if (list.some((item) => item === '')) return void report(at2, 'must not be empty');
        return negate(list.map((item, i) => compileAffix(kind, item, `${at2}[${i}]`, report)));
      }
      case 'equals-ignore-case':
      case 'wildcard': {
        const list = typeof inner === 'string' ? [inner] : inner;
        if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string')) {
          return void report(at2, 'must be a string or a non-empty list of strings');
        }
        const tests: (ValueTest | undefined)[] = [];
        for (let i = 0; i < list.length; i += 1)
          tests.push(compileOperator(kind, list[i], `${at2}[${i}]`, report));
        return negate(tests);
      }
    }
  }
  report(
    at,
    'must be a string, a number, a list of strings or numbers, or one of { prefix | suffix | equals-ignore-case | wildcard }',
  );
  return undefined;
}

/** `["=", 5]`, `["<", 10]`, `[">", 0, "<=", 5]`: the lower bound first, as EventBridge requires. JSON numbers only. */
function compileNumeric(argument: unknown, at: string, report: Report): NumericRange | undefined {
  const shape = 'must be ["=", n], [op, n] or [">"|">=", low, "<"|"<=", high]';
  if (!Array.isArray(argument) || (argument.length !== 2 && argument.length !== 4))
    return void report(at, shape);
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  for (let i = 0; i < argument.length; i += 2) {
    const op = argument[i];
    const value = argument[i + 1];
    if (typeof value !== 'number' || !Number.isFinite(value)) return void report(at, `${op}: needs a number`);
    if (op === '=' && argument.length === 2)
      return { lower: { value, inclusive: true }, upper: { value, inclusive: true } };
    if ((op === '>' || op === '>=') && i === 0) lower = { value, inclusive: op === '>=' };
    else if ((op === '<' || op === '<=') && upper === undefined) upper = { value, inclusive: op === '<=' };
    else return void report(at, shape);
  }
  if (argument.length === 4 && lower === undefined) return void report(at, shape);
  if (lower && upper && lower.value >= upper.value)
    return void report(at, 'the lower bound must be below the upper');
  return lower && upper ? { lower, upper } : lower ? { lower } : { upper };
}

// Tests are built by small factories like this one, never inside a compile function: a closure made there would
// share its scope, keep `report` alive, and with it the whole parsed YAML document of the rule file.
function numericTest(range: NumericRange): ValueTest {
  return (v) => typeof v === 'number' && inRange(range, v);
}

export function inRange({ lower, upper }: NumericRange, v: number): boolean {
  return (
    (lower === undefined || (lower.inclusive ? v >= lower.value : v > lower.value)) &&
    (upper === undefined || (upper.inclusive ? v <= upper.value : v < upper.value))
  );
}

/** Matches what none of `tests` matches (undefined if one of them was invalid). */
function negate(tests: readonly (ValueTest | undefined)[]): ValueTest | undefined {
  if (tests.some((test) => test === undefined)) return undefined;
  const valid = tests as readonly ValueTest[];
  return (value) => !valid.some((test) => test(value));
}

function stringTest(test: StringTest): ValueTest {
  return (value) => typeof value === 'string' && test(value);
}

function addressTest(addresses: ReadonlySet<string>): ValueTest {
  return (value) => {
    if (typeof value !== 'string') return false;
    const key = ipKey(value);
    return key !== undefined && addresses.has(key);
  };
}

/**
 * `{cidr: "10.0.0.0/24"}` (IPv4 or IPv6), matching string values that are addresses in the range, in any spelling.
 * event-ruler (CIDR.cidr) refuses a full-length mask (/32, /128): a single address is written as an exact value.
 */
function compileCidr(argument: unknown, at: string, report: Report): ValueTest | undefined {
  const [address, bits, extra] = typeof argument === 'string' ? argument.split('/') : [];
  const network = address === undefined ? undefined : ipBytes(address);
  if (!network || extra !== undefined || !/^\d+$/.test(bits ?? '')) {
    return void report(at, 'must be an IPv4 or IPv6 range like "10.0.0.0/24"');
  }
  const length = Number(bits);
  const max = network.length * 8;
  if (length >= max) {
    return void report(at, `the mask must be below /${max}; match one address as an exact value instead`);
  }
  return subnetTest({ network, bits: length });
}

function subnetTest(subnet: Subnet): ValueTest {
  return (value) => {
    if (typeof value !== 'string') return false;
    const bytes = ipBytes(value);
    return bytes !== undefined && inSubnet(bytes, subnet);
  };
}
