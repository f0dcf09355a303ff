// The Userflow error family, and the pure functions that map a response or a transport failure to one of them.
import { BridgeError } from '../errors.ts';
import type { UserflowAction } from './actions.ts';

export interface UserflowErrorOptions {
  retryable: boolean;
  /** Userflow's HTTP status; for failures without a response, the status that best describes them. */
  status: number;
  /** Userflow's own `error.code` (e.g. `invalid_params`), when the response carried one. */
  userflowCode?: string | undefined;
  /** Userflow's own `error.message` (clipped), when the response carried one. */
  userflowMessage?: string | undefined;
  /** Which action failed. */
  action?: UserflowAction | undefined;
  /** How long Userflow asked to wait (a 429, or a 503 that said), in seconds. */
  retryAfterSeconds?: number | undefined;
  cause?: unknown;
}

/** Base of every Userflow failure. Catch this to handle "Userflow said no" in one place. */
export class UserflowError extends BridgeError {
  readonly userflowCode: string | undefined;
  readonly userflowMessage: string | undefined;
  readonly action: UserflowAction | undefined;
  /** Set when Userflow said how long to wait (429, or a 503 that said). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, options: UserflowErrorOptions) {
    super(code, message, options);
    this.userflowCode = options.userflowCode;
    this.userflowMessage = options.userflowMessage;
    this.action = options.action;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** 401 (bad or missing key) or 403 (the key may not do this, often a plan limit). Never retryable. */
export class UserflowAuthenticationError extends UserflowError {}

/** 404: the id does not exist in this environment. */
export class UserflowNotFoundError extends UserflowError {}

/** 400/422: Userflow rejected the request; `userflowCode` and the message say why. Never retryable. */
export class UserflowInvalidParamsError extends UserflowError {}

/** 429: throttled. Retry after `retryAfterSeconds` when Userflow said how long. */
export class UserflowRateLimitError extends UserflowError {}

/** 5xx: Userflow failed. Retryable; `retryAfterSeconds` is set when a 503 said how long to wait. */
export class UserflowServerError extends UserflowError {}

export type NetworkFailure = 'timeout' | 'connection';

/** No usable response: connection refused or reset, DNS failure, or a timeout. Retryable. */
export class UserflowNetworkError extends UserflowError {
  readonly reason: NetworkFailure;

  constructor(code: string, message: string, options: UserflowErrorOptions & { reason: NetworkFailure }) {
    super(code, message, options);
    this.reason = options.reason;
  }
}

/**
 * A 2xx whose body is not the documented object. Not retryable: the same call would get the same body. For a
 * write, Userflow may already have applied the change.
 */
export class UserflowResponseError extends UserflowError {
  /** The HTTP status of the response that failed to parse. */
  readonly responseStatus: number;
  /** Dotted paths of the fields that failed (e.g. `data.0.created_at`). */
  readonly fields: readonly string[];

  constructor(
    code: string,
    message: string,
    options: UserflowErrorOptions & { responseStatus: number; fields: readonly string[] },
  ) {
    super(code, message, options);
    this.responseStatus = options.responseStatus;
    this.fields = options.fields;
  }
}

export interface ErrorResponse {
  status: number;
  /** Response headers with lower-case names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body; JSON `{ "error": { "code", "message" } }` when Userflow sent its envelope. */
  bodyText: string;
  action?: UserflowAction | undefined;
  /** The clock, for `Retry-After` given as an HTTP date. */
  now: Date;
}

const MAX_MESSAGE = 300;
const PLAN_HINT = ' (on an otherwise valid call this is usually a limit of the Userflow plan, not a bug)';

/** The one place that turns a non-2xx Userflow response into an error class. Pure. */
export function errorFromResponse(response: ErrorResponse): UserflowError {
  const { status, action } = response;
  const envelope = parseErrorEnvelope(response.bodyText);
  const userflowCode = envelope.code;
  const detail = envelope.message ?? (envelope.code ? '' : 'no error message');
  const message = `Userflow ${action ?? 'request'} failed with ${status}${userflowCode ? ` ${userflowCode}` : ''}${
    detail ? `: ${detail}` : ''
  }`;
  const base = { status, userflowCode, userflowMessage: envelope.message, action };
  if (status === 401) {
    return new UserflowAuthenticationError('unauthorized', message, { ...base, retryable: false });
  }
  if (status === 403) {
    return new UserflowAuthenticationError('forbidden', message + PLAN_HINT, { ...base, retryable: false });
  }
  if (status === 404) return new UserflowNotFoundError('not_found', message, { ...base, retryable: false });
  if (status === 400 || status === 422) {
    return new UserflowInvalidParamsError('invalid_params', message, { ...base, retryable: false });
  }
  const retryAfterSeconds = parseRetryAfter(response.headers['retry-after'], response.now);
  if (status === 429) {
    return new UserflowRateLimitError('rate_limited', message, {
      ...base,
      retryable: true,
      retryAfterSeconds,
    });
  }
  if (status >= 500) {
    return new UserflowServerError('server_error', message, { ...base, retryable: true, retryAfterSeconds });
  }
  // 408 and the like are about the connection, not the request; other 4xx need a change before a retry.
  const retryable = status === 408;
  return new UserflowError(retryable ? 'timeout' : 'request_failed', message, { ...base, retryable });
}

/**
 * `Retry-After` as whole seconds to wait (rounded up), from either form HTTP allows: delta-seconds (`"1"`) or an
 * HTTP date. A date in the past gives 0; a missing or unreadable value gives undefined.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

function parseErrorEnvelope(bodyText: string): { code?: string; message?: string } {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return {};
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' && code ? { code: clip(code, 64) } : {}),
    ...(typeof message === 'string' && message ? { message: clip(message, MAX_MESSAGE) } : {}),
  };
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

/** Maps whatever the HTTP layer threw (a timeout abort, ECONNREFUSED, a socket error) to a network error. Pure. */
export function networkErrorFrom(
  error: unknown,
  context: { action?: UserflowAction | undefined; timeoutMs: number },
): UserflowNetworkError {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  const timedOut = name === 'TimeoutError' || (typeof code === 'string' && TIMEOUT_CODES.has(code));
  const what = `Userflow ${context.action ?? 'request'}`;
  const message = timedOut
    ? `${what} timed out after ${context.timeoutMs} ms`
    : `${what} could not reach Userflow${typeof code === 'string' ? ` (${code})` : ''}`;
  return new UserflowNetworkError(timedOut ? 'timeout' : 'network_error', message, {
    retryable: true,
    status: timedOut ? 504 : 503,
    action: context.action,
    reason: timedOut ? 'timeout' : 'connection',
    cause: error,
  });
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
