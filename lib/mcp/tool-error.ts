// The one place that turns a failure into what the model reads: a code, what went wrong, and what to try next.
import { QueueError } from '../queue/errors.ts';
import { TrailError } from '../trail/errors.ts';
import {
  UserflowAuthenticationError,
  UserflowError,
  UserflowInvalidParamsError,
  UserflowNotFoundError,
  UserflowRateLimitError,
} from '../userflow/errors.ts';
import { PrincipalError } from './errors.ts';

/** A refusal the tool itself decides (a missing scope, bad arguments, a bad confirmation token). */
export class ToolRefusal extends Error {
  override readonly name = 'ToolRefusal';
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface ToolFailure {
  code: string;
  message: string;
  hint?: string;
  retryable: boolean;
}

/** Which list tool finds the ids a get or delete tool takes. */
const FINDER: Record<string, string> = {
  User: 'userflow_list_users',
  Group: 'userflow_list_groups',
  Content: 'userflow_list_content',
  ContentVersion: 'userflow_list_content_versions',
  ContentSession: 'userflow_list_content_sessions',
};

export function toolFailure(error: unknown): ToolFailure {
  if (error instanceof ToolRefusal) {
    return {
      code: error.code,
      message: error.message,
      retryable: false,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  if (error instanceof UserflowError) return userflowFailure(error);
  if (error instanceof PrincipalError) {
    return {
      code: error.code,
      message: error.message,
      hint: 'ask an operator for a new token',
      retryable: false,
    };
  }
  if (error instanceof QueueError) {
    return {
      code: error.code,
      message: 'the bridge queue is unavailable: nothing was queued',
      hint: error.retryable ? 'try the same call again in a minute' : 'an operator must look at the queue',
      retryable: error.retryable,
    };
  }
  if (error instanceof TrailError) {
    return { code: error.code, message: error.message, retryable: error.retryable };
  }
  return { code: 'internal_error', message: (error as Error)?.message ?? String(error), retryable: false };
}

function userflowFailure(error: UserflowError): ToolFailure {
  const code = error.userflowCode ?? error.code;
  const base = { code, message: error.userflowMessage ?? error.message, retryable: error.retryable };
  if (error instanceof UserflowNotFoundError) {
    const entity = /^(?:get|delete)(\w+)$/.exec(error.action ?? '')?.[1];
    const finder = entity ? FINDER[entity] : undefined;
    return {
      ...base,
      message: `${entity ? entity.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'object'} not found`,
      hint: finder ? `check the id with ${finder}` : 'check the ids',
    };
  }
  if (error instanceof UserflowRateLimitError) {
    const after = error.retryAfterSeconds;
    return { ...base, hint: `Userflow is throttling: try again${after ? ` in ${after} s` : ' shortly'}` };
  }
  if (error instanceof UserflowAuthenticationError) {
    return { ...base, hint: "Userflow refused the bridge's API key: an operator must fix USERFLOW_API_KEY" };
  }
  if (error instanceof UserflowInvalidParamsError) {
    return { ...base, hint: 'fix the arguments Userflow named and call again' };
  }
  return { ...base, ...(error.retryable ? { hint: 'a temporary Userflow failure: try again shortly' } : {}) };
}

/** `not_found: user not found. Hint: check the id with userflow_list_users` */
export function failureText(failure: ToolFailure): string {
  return `${failure.code}: ${failure.message}${failure.hint ? `. Hint: ${failure.hint}` : ''}`;
}
