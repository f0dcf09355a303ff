import { describe, expect, it } from 'vitest';
import { classifyFailure, isNotFound } from '../../../lib/deliver/classify.ts';
import { DeliveryError } from '../../../lib/deliver/errors.ts';
import { BridgeError } from '../../../lib/errors.ts';
import { errorFromResponse, networkErrorFrom } from '../../../lib/userflow/index.ts';

const now = new Date('2026-01-01T00:00:00Z');
const response = (status: number, headers: Record<string, string> = {}, code?: string) =>
  errorFromResponse({
    status,
    headers,
    bodyText: JSON.stringify({ error: { code: code ?? 'some_code', message: 'nope' } }),
    action: 'createOrUpdateUser',
    now,
  });

describe('classifyFailure', () => {
  it('a 429 is transient, slows the limiter and carries Retry-After in ms', () => {
    expect(classifyFailure(response(429, { 'retry-after': '3' }))).toMatchObject({
      kind: 'transient',
      throttled: true,
      retryAfterMs: 3_000,
      status: 429,
    });
  });

  it('a 429 without Retry-After has no retryAfterMs', () => {
    const failure = classifyFailure(response(429));
    expect(failure.kind).toBe('transient');
    expect(failure).not.toHaveProperty('retryAfterMs');
  });

  it('5xx and network failures are transient but do not slow the limiter', () => {
    expect(classifyFailure(response(503))).toMatchObject({
      kind: 'transient',
      throttled: false,
      status: 503,
    });
    const timeout = networkErrorFrom(Object.assign(new Error('t'), { name: 'TimeoutError' }), {
      timeoutMs: 5,
    });
    expect(classifyFailure(timeout)).toMatchObject({ kind: 'transient', throttled: false });
    const refused = networkErrorFrom(Object.assign(new Error('r'), { code: 'ECONNREFUSED' }), {
      timeoutMs: 5,
    });
    expect(classifyFailure(refused)).toMatchObject({ kind: 'transient', throttled: false });
  });

  it('400, 403 and 404 are permanent and keep Userflow status and code', () => {
    expect(classifyFailure(response(400, {}, 'invalid_params'))).toMatchObject({
      kind: 'permanent',
      status: 400,
      userflowCode: 'invalid_params',
      reason: 'userflow_invalid_params',
    });
    expect(classifyFailure(response(403))).toMatchObject({ kind: 'permanent', status: 403 });
    expect(classifyFailure(response(404))).toMatchObject({ kind: 'permanent', status: 404 });
  });

  it('a 401 stops the batch', () => {
    expect(classifyFailure(response(401)).kind).toBe('unauthorized');
  });

  it("delivery's own errors follow their retryable flag", () => {
    expect(classifyFailure(new DeliveryError('invalid_envelope', 'bad')).kind).toBe('permanent');
    expect(classifyFailure(new DeliveryError('batch_stopped', 'later')).kind).toBe('transient');
  });

  it('other bridge errors follow their retryable flag', () => {
    const down = new BridgeError('queue_unreachable', 'queue down', { retryable: true });
    const refused = new BridgeError('queue_rejected', 'queue refused', { retryable: false });
    expect(classifyFailure(down)).toMatchObject({ kind: 'transient', reason: 'queue_unreachable' });
    expect(classifyFailure(refused)).toMatchObject({ kind: 'permanent', reason: 'queue_rejected' });
  });

  it('an idempotency record of the same command in flight is transient', () => {
    const inProgress = Object.assign(new Error('in progress'), { name: 'IdempotencyAlreadyInProgressError' });
    expect(classifyFailure(inProgress)).toMatchObject({ kind: 'transient', reason: 'idempotency_store' });
  });

  it('an unexpected error is retried (the queue dead-letters it if it never passes)', () => {
    expect(classifyFailure(new TypeError('x is undefined'))).toMatchObject({
      kind: 'transient',
      reason: 'unexpected_error',
    });
  });
});

describe('isNotFound', () => {
  it('is true only for a Userflow 404', () => {
    expect(isNotFound(response(404))).toBe(true);
    expect(isNotFound(response(400))).toBe(false);
    expect(isNotFound(new Error('404'))).toBe(false);
  });
});
