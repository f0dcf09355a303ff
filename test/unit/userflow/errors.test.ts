import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../lib/errors.ts';
import {
  errorFromResponse,
  networkErrorFrom,
  parseRetryAfter,
  UserflowAuthenticationError,
  UserflowError,
  UserflowInvalidParamsError,
  UserflowNetworkError,
  UserflowNotFoundError,
  UserflowRateLimitError,
  UserflowServerError,
} from '../../../lib/userflow/index.ts';
import { notFoundBody, rateLimitedBody, staleCursorBody } from './documented-examples.ts';

const now = new Date('2024-03-02T09:20:00.000Z');
const respond = (status: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  errorFromResponse({
    status,
    headers,
    bodyText: typeof body === 'string' ? body : JSON.stringify(body),
    action: 'getUser',
    now,
  });

describe('errorFromResponse: one class per status', () => {
  it.each([
    [401, UserflowAuthenticationError, 'unauthorized', false],
    [403, UserflowAuthenticationError, 'forbidden', false],
    [404, UserflowNotFoundError, 'not_found', false],
    [400, UserflowInvalidParamsError, 'invalid_params', false],
    [422, UserflowInvalidParamsError, 'invalid_params', false],
    [429, UserflowRateLimitError, 'rate_limited', true],
    [500, UserflowServerError, 'server_error', true],
    [502, UserflowServerError, 'server_error', true],
    [503, UserflowServerError, 'server_error', true],
  ] as const)('%i → %s (code %s, retryable %s)', (status, errorClass, code, retryable) => {
    const error = respond(status);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(UserflowError);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error.name).toBe(errorClass.name);
    expect([error.code, error.retryable, error.status, error.action]).toEqual([
      code,
      retryable,
      status,
      'getUser',
    ]);
  });

  it('other 4xx are plain, non-retryable UserflowErrors', () => {
    const error = respond(409);
    expect(error.constructor).toBe(UserflowError);
    expect([error.code, error.retryable]).toEqual(['request_failed', false]);
  });

  it('408 is retryable', () => {
    expect(respond(408).retryable).toBe(true);
  });
});

describe('errorFromResponse: the Userflow envelope', () => {
  it('keeps Userflow’s code and message for invalid params (§11.7)', () => {
    const error = respond(400, staleCursorBody);
    expect(error.userflowCode).toBe('invalid_params');
    expect(error.userflowMessage).toBe(staleCursorBody.error.message);
    expect(error.message).toContain(staleCursorBody.error.message);
  });

  it('keeps the 404 envelope (§11.4)', () => {
    const error = respond(404, notFoundBody);
    expect(error.userflowCode).toBe('not_found');
    expect(error.message).toContain("User with id 'does-not-exist' not found");
  });

  it('adds the plan-limit hint to 403', () => {
    expect(respond(403).message).toMatch(/plan/);
    expect(respond(401).message).not.toMatch(/plan/);
  });

  it('still maps by status when the body is not JSON', () => {
    const error = respond(502, '<html>Bad gateway</html>');
    expect(error).toBeInstanceOf(UserflowServerError);
    expect(error.userflowCode).toBeUndefined();
    expect(error.message).not.toContain('<html>');
  });

  it('ignores an envelope of the wrong shape', () => {
    expect(respond(400, { error: 'nope' }).userflowCode).toBeUndefined();
    expect(respond(400, { error: { code: 7 } }).userflowCode).toBeUndefined();
  });

  it('clips a very long message', () => {
    const error = respond(400, { error: { code: 'invalid_params', message: 'x'.repeat(10_000) } });
    expect(error.message.length).toBeLessThan(500);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds on a 429 (§11.5)', () => {
    const error = respond(429, rateLimitedBody, { 'retry-after': '1' });
    expect(error).toBeInstanceOf(UserflowRateLimitError);
    expect((error as UserflowRateLimitError).retryAfterSeconds).toBe(1);
    expect(error.userflowCode).toBe('rate_limited');
  });

  it('reads an HTTP date relative to the injected clock', () => {
    const error = respond(429, rateLimitedBody, { 'retry-after': 'Sat, 02 Mar 2024 09:20:30 GMT' });
    expect((error as UserflowRateLimitError).retryAfterSeconds).toBe(30);
  });

  it('is undefined on a 429 without the header', () => {
    expect((respond(429, rateLimitedBody) as UserflowRateLimitError).retryAfterSeconds).toBeUndefined();
  });

  it('is carried on a 503 too', () => {
    expect((respond(503, {}, { 'retry-after': '120' }) as UserflowServerError).retryAfterSeconds).toBe(120);
  });

  it.each([
    ['0', 0],
    ['  7 ', 7],
    ['1.5', 2],
    ['Sat, 02 Mar 2024 09:19:00 GMT', 0],
    ['Sat, 02 Mar 2024 09:20:00 GMT', 0],
    ['Sat, 02 Mar 2024 09:20:01 GMT', 1],
    ['', undefined],
    ['-5', undefined],
    ['soon', undefined],
    [undefined, undefined],
  ])('parseRetryAfter(%j) = %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('networkErrorFrom', () => {
  it.each([
    [Object.assign(new Error('aborted'), { name: 'TimeoutError' }), 'timeout'],
    [Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'timeout'],
    [Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' }), 'timeout'],
    [Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), 'timeout'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'connection'],
    [Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), 'connection'],
    ['a string', 'connection'],
  ])('%s → %s, retryable', (cause, reason) => {
    const error = networkErrorFrom(cause, { action: 'trackEvent', timeoutMs: 250 });
    expect(error).toBeInstanceOf(UserflowNetworkError);
    expect([error.reason, error.retryable, error.action, error.cause]).toEqual([
      reason,
      true,
      'trackEvent',
      cause,
    ]);
    if (reason === 'timeout') expect(error.message).toContain('250 ms');
  });
});
