// Small validators for JSON request bodies that name the bad field in Userflow's `<param>: <message>` form.

import { invalidParams } from '../api-error.ts';
import { isPlainObject } from '../attributes.ts';
import type { SandboxFlags } from '../flags.ts';

export type Body = Record<string, unknown>;

/** The body must be a JSON object with only the given fields (unless unknown fields are ignored). */
export function objectBody(
  body: unknown,
  allowed: readonly string[],
  flags: SandboxFlags,
  param = 'body',
): Body {
  if (!isPlainObject(body)) throw invalidParams(param, 'must be a JSON object');
  if (flags.unknownBodyFields === 'reject') {
    for (const key of Object.keys(body)) {
      if (!allowed.includes(key))
        throw invalidParams(param === 'body' ? key : `${param}.${key}`, 'unknown field');
    }
  }
  return body;
}

/** Userflow ids are the caller's own strings. */
export function requiredId(value: unknown, param: string): string {
  if (value === undefined || value === null) throw invalidParams(param, 'is required');
  if (typeof value !== 'string' || value === '') throw invalidParams(param, 'must be a non-empty string');
  return value;
}

export function optionalId(value: unknown, param: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requiredId(value, param);
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParams(param, 'must be a boolean');
  return value;
}

export function optionalArray(value: unknown, param: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParams(param, 'must be an array');
  return value;
}
