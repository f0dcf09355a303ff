// Applies Userflow attribute changes (literals and set/set_once/add/subtract/append/prepend/remove/data_type).

import { invalidParams } from './api-error.ts';
import type { AttributeLiteral, Attributes, AttributeValue, DataType } from './records.ts';
import { formatTimestamp, parseIsoDatetime } from './time.ts';

const OPERATIONS = ['set', 'set_once', 'add', 'subtract', 'append', 'prepend', 'remove'] as const;
type Operation = (typeof OPERATIONS)[number];
const DATA_TYPES: readonly DataType[] = ['string', 'number', 'boolean', 'datetime', 'list'];

export interface AttributeOptions {
  nullClears: boolean;
  inferDatetime: boolean;
  listOpsDedupe: boolean;
  /** Events accept only literals and `{set, data_type}`. */
  allowed: 'all' | 'set_only';
  /** Body path used in error messages, e.g. `attributes` or `memberships[0].group.attributes`. */
  param: string;
  /** When set, every attribute name must match it (the `nameCharacters: strict` flag). */
  namePattern?: RegExp;
}

export interface AttributeWrite {
  name: string;
  dataType: DataType;
  /** True when the caller forced the type with `data_type`. */
  explicit: boolean;
}

export interface AttributeChangeResult {
  attributes: Attributes;
  /** One entry per attribute given a (non-null) value: feeds the attribute definitions. */
  writes: AttributeWrite[];
}

/** Pure: returns the merged attributes; untouched keys are kept (upsert merge semantics). */
export function applyAttributeChanges(
  current: Readonly<Attributes>,
  changes: unknown,
  options: AttributeOptions,
): AttributeChangeResult {
  if (changes === undefined || changes === null) return { attributes: { ...current }, writes: [] };
  if (!isPlainObject(changes)) throw invalidParams(options.param, 'must be an object');
  const attributes: Attributes = { ...current };
  const writes: AttributeWrite[] = [];
  for (const [name, raw] of Object.entries(changes)) {
    const param = `${options.param}.${name}`;
    if (name.trim() === '') throw invalidParams(options.param, 'attribute names must not be empty');
    if (options.namePattern && !options.namePattern.test(name)) {
      throw invalidParams(param, 'attribute names may contain only letters, digits, _, - and spaces');
    }
    const change = parseChange(raw, param, options);
    const next = applyOne(attributes[name], name in attributes, change, param, options);
    if (next === undefined) continue;
    if (next.value === null && options.nullClears) {
      delete attributes[name];
      continue;
    }
    attributes[name] = next.value;
    if (next.value !== null)
      writes.push({ name, dataType: next.dataType, explicit: change.dataType !== undefined });
  }
  return { attributes, writes };
}

interface Change {
  op: Operation | 'convert';
  value: unknown;
  dataType: DataType | undefined;
}

function parseChange(raw: unknown, param: string, options: AttributeOptions): Change {
  if (!isPlainObject(raw)) {
    assertLiteralOrList(raw, param);
    return { op: 'set', value: raw, dataType: undefined };
  }
  const keys = Object.keys(raw);
  const ops = keys.filter((key): key is Operation => (OPERATIONS as readonly string[]).includes(key));
  const unknown = keys.filter((key) => key !== 'data_type' && !ops.includes(key as Operation));
  if (unknown.length) throw invalidParams(param, `unknown change operation '${unknown[0]}'`);
  if (ops.length > 1) throw invalidParams(param, 'give exactly one change operation');
  const dataType =
    raw.data_type === undefined ? undefined : parseDataType(raw.data_type, `${param}.data_type`);
  const op = ops[0];
  if (op === undefined) {
    if (dataType === undefined) throw invalidParams(param, 'a change object needs an operation');
    return { op: 'convert', value: undefined, dataType };
  }
  if (options.allowed === 'set_only' && op !== 'set') {
    throw invalidParams(param, `operation '${op}' is not allowed here; use a literal or 'set'`);
  }
  assertLiteralOrList(raw[op], `${param}.${op}`);
  return { op, value: raw[op], dataType };
}

function applyOne(
  existing: AttributeValue | undefined,
  present: boolean,
  change: Change,
  param: string,
  options: AttributeOptions,
): { value: AttributeValue; dataType: DataType } | undefined {
  switch (change.op) {
    case 'set_once':
      if (present) return undefined;
      return typed(change.value, change.dataType, param, options);
    case 'set':
      return typed(change.value, change.dataType, param, options);
    case 'convert':
      if (!present) return undefined;
      return typed(existing, change.dataType, param, options);
    case 'add':
    case 'subtract': {
      const amount = toNumber(change.value);
      if (amount === undefined) throw invalidParams(`${param}.${change.op}`, 'must be a number');
      const base = toNumber(existing) ?? 0;
      return { value: change.op === 'add' ? base + amount : base - amount, dataType: 'number' };
    }
    default:
      return { value: listOperation(existing, change, options), dataType: 'list' };
  }
}

function listOperation(
  existing: AttributeValue | undefined,
  change: Change,
  options: AttributeOptions,
): AttributeValue {
  const list: AttributeLiteral[] = existing === undefined || existing === null ? [] : toList(existing);
  const values = toList(change.value as AttributeValue).map((v) => normaliseLiteral(v, options));
  if (change.op === 'remove') return list.filter((item) => !values.includes(item));
  const added = options.listOpsDedupe ? values.filter((v) => !list.includes(v)) : values;
  return change.op === 'append' ? [...list, ...added] : [...added, ...list];
}

function typed(
  value: unknown,
  dataType: DataType | undefined,
  param: string,
  options: AttributeOptions,
): { value: AttributeValue; dataType: DataType } {
  const literal = value as AttributeValue;
  if (literal === null) return { value: null, dataType: dataType ?? 'string' };
  if (dataType === undefined) {
    const normalised = Array.isArray(literal)
      ? literal.map((v) => normaliseLiteral(v, options))
      : normaliseLiteral(literal, options);
    return { value: normalised, dataType: inferDataType(normalised, options.inferDatetime) };
  }
  return { value: coerce(literal, dataType, param), dataType };
}

function coerce(value: AttributeValue, dataType: DataType, param: string): AttributeValue {
  if (dataType === 'list') return toList(value);
  if (Array.isArray(value)) throw invalidParams(param, `a list cannot be stored as ${dataType}`);
  switch (dataType) {
    case 'string':
      return String(value);
    case 'number': {
      const n = toNumber(value);
      if (n === undefined) throw invalidParams(param, 'must be a number');
      return n;
    }
    case 'boolean':
      if (value === true || value === 'true' || value === 1) return true;
      if (value === false || value === 'false' || value === 0) return false;
      throw invalidParams(param, 'must be a boolean');
    default: {
      const ms = typeof value === 'string' ? parseIsoDatetime(value) : undefined;
      if (ms === undefined) throw invalidParams(param, 'must be an ISO 8601 datetime');
      return formatTimestamp(ms);
    }
  }
}

/** The data type Userflow would infer for a value. */
export function inferDataType(value: AttributeValue, inferDatetime: boolean): DataType {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string' && inferDatetime && parseIsoDatetime(value) !== undefined) return 'datetime';
  return 'string';
}

function normaliseLiteral(value: AttributeLiteral, options: AttributeOptions): AttributeLiteral {
  if (typeof value !== 'string' || !options.inferDatetime) return value;
  const ms = parseIsoDatetime(value);
  return ms === undefined ? value : formatTimestamp(ms);
}

function parseDataType(value: unknown, param: string): DataType {
  if (typeof value === 'string' && (DATA_TYPES as readonly string[]).includes(value))
    return value as DataType;
  throw invalidParams(param, `must be one of ${DATA_TYPES.join(', ')}`);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

function toList(value: AttributeValue): AttributeLiteral[] {
  return Array.isArray(value) ? [...value] : [value];
}

function assertLiteralOrList(value: unknown, param: string): void {
  if (isLiteral(value)) return;
  if (Array.isArray(value) && value.every(isLiteral)) return;
  throw invalidParams(param, 'must be a string, number, boolean, null or a list of those');
}

function isLiteral(value: unknown): value is AttributeLiteral {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
