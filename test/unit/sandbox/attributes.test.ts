// Attribute change operations as a pure function: merge semantics, every operation, typing and errors.

import { describe, expect, it } from 'vitest';
import { SandboxApiError } from '../../../lib/sandbox/api-error.ts';
import { type AttributeOptions, applyAttributeChanges } from '../../../lib/sandbox/attributes.ts';

const options: AttributeOptions = {
  nullClears: true,
  inferDatetime: true,
  listOpsDedupe: false,
  allowed: 'all',
  param: 'attributes',
};

function errorOf(fn: () => unknown): SandboxApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SandboxApiError) return error;
    throw error;
  }
  throw new Error('expected a SandboxApiError');
}

describe('applyAttributeChanges', () => {
  it('does not mutate the current attributes', () => {
    const current = Object.freeze({ a: 1 });
    const { attributes } = applyAttributeChanges(current, { a: { add: 1 } }, options);
    expect(attributes).toEqual({ a: 2 });
    expect(current).toEqual({ a: 1 });
  });

  it('treats a missing changes object as no change', () => {
    expect(applyAttributeChanges({ a: 1 }, undefined, options)).toEqual({ attributes: { a: 1 }, writes: [] });
  });

  it('reports the written names with their data types, explicit or inferred', () => {
    const { writes } = applyAttributeChanges(
      {},
      { s: 'x', n: { set: '1', data_type: 'number' }, l: { append: 'a' }, gone: null },
      options,
    );
    expect(writes).toEqual([
      { name: 's', dataType: 'string', explicit: false },
      { name: 'n', dataType: 'number', explicit: true },
      { name: 'l', dataType: 'list', explicit: false },
    ]);
  });

  it('set_once does nothing for an attribute that exists, even with a null value stored', () => {
    const keep = { ...options, nullClears: false };
    expect(applyAttributeChanges({ a: null }, { a: { set_once: 'x' } }, keep).attributes).toEqual({
      a: null,
    });
  });

  it('a data_type on its own converts the existing value', () => {
    expect(applyAttributeChanges({ a: '7' }, { a: { data_type: 'number' } }, options).attributes).toEqual({
      a: 7,
    });
    expect(applyAttributeChanges({}, { a: { data_type: 'number' } }, options).attributes).toEqual({});
  });

  it('add treats a non-numeric current value as 0', () => {
    expect(applyAttributeChanges({ a: 'n/a' }, { a: { add: 3 } }, options).attributes).toEqual({ a: 3 });
  });

  it('remove on a missing attribute leaves an empty list', () => {
    expect(applyAttributeChanges({}, { a: { remove: 'x' } }, options).attributes).toEqual({ a: [] });
  });

  it('leaves strings alone when datetime inference is off', () => {
    const plain = { ...options, inferDatetime: false };
    const result = applyAttributeChanges({}, { d: '2024-03-02T09:15:00Z' }, plain);
    expect(result.attributes).toEqual({ d: '2024-03-02T09:15:00Z' });
    expect(result.writes[0]?.dataType).toBe('string');
  });

  it('names the offending path in every error', () => {
    const nested = { ...options, param: 'memberships[0].attributes' };
    expect(errorOf(() => applyAttributeChanges({}, { role: { bogus: 1 } }, nested)).message).toBe(
      "memberships[0].attributes.role: unknown change operation 'bogus'",
    );
    expect(
      errorOf(() => applyAttributeChanges({}, { x: { set: 1, data_type: 'money' } }, options)).message,
    ).toBe('attributes.x.data_type: must be one of string, number, boolean, datetime, list');
    expect(errorOf(() => applyAttributeChanges({}, [1, 2], options)).message).toBe(
      'attributes: must be an object',
    );
    expect(errorOf(() => applyAttributeChanges({}, { l: { append: [{ a: 1 }] } }, options)).message).toMatch(
      /^attributes\.l\.append: /,
    );
  });

  it('allows only literals and set when restricted (event attributes)', () => {
    const events = { ...options, allowed: 'set_only' as const };
    expect(applyAttributeChanges({}, { a: { set: 1 }, b: 'x' }, events).attributes).toEqual({ a: 1, b: 'x' });
    for (const op of ['set_once', 'add', 'subtract', 'append', 'prepend', 'remove']) {
      const error = errorOf(() => applyAttributeChanges({}, { a: { [op]: 1 } }, events));
      expect(error.status, op).toBe(400);
    }
  });
});
