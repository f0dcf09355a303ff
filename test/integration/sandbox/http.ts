// Plain-fetch helpers for the sandbox tests: the sandbox is checked against the docs, not through our client.

import { SANDBOX_API_KEY } from '../../../lib/sandbox/index.ts';

export const VERSION = '2020-01-03';

// biome-ignore lint/suspicious/noExplicitAny: replies are read like JSON documents, field by field.
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  /** Replaces the default headers entirely when given. */
  headers?: Record<string, string>;
  body?: unknown;
}

export function defaultHeaders(apiKey = SANDBOX_API_KEY): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, 'userflow-version': VERSION, accept: 'application/json' };
}

/** `api(url)('GET', '/users?limit=2')` → status, headers and parsed JSON body (undefined when empty). */
export function api(baseUrl: string, apiKey = SANDBOX_API_KEY) {
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  return async <T = any>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> => {
    const headers = { ...(options.headers ?? defaultHeaders(apiKey)) };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
}
