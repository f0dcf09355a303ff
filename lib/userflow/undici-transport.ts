// The one module that imports undici: the Transport the client uses unless given another one.
//
// It loads undici's request API and its global dispatcher (an Agent), not undici's index: the index also loads
// fetch, WebSocket, the caches and the mocks, two thirds of the deliver function's bundle and of its cold start.
// The parts are undici's own, so a request here behaves exactly as `undici.request` does.
import type { Dispatcher } from 'undici';
import dispatchRequest from 'undici/lib/api/api-request.js';
import undiciGlobal from 'undici/lib/global.js';
import type { HttpRequest, HttpResponse, Transport } from './transport.ts';

export type { Dispatcher };

export interface UndiciTransportOptions {
  /** An undici Agent, Pool or MockAgent; undici's global dispatcher when absent. */
  dispatcher?: Dispatcher | undefined;
}

/**
 * Three timeouts, because each guards a different stall: `headersTimeout` a server that accepts and never
 * answers, `bodyTimeout` a body that stops mid-way, and the abort signal the whole exchange including connect.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  return async (input: HttpRequest): Promise<HttpResponse> => {
    const signal = AbortSignal.timeout(input.timeoutMs);
    const url = new URL(input.url);
    const dispatcher = options.dispatcher ?? undiciGlobal.getGlobalDispatcher();
    const response = await dispatchRequest.call(dispatcher, {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: input.method as Dispatcher.HttpMethod,
      headers: { ...input.headers },
      body: input.body,
      signal,
      headersTimeout: input.timeoutMs,
      bodyTimeout: input.timeoutMs,
    });
    const bodyText = await response.body.text();
    return { status: response.statusCode, headers: flattenHeaders(response.headers), bodyText };
  };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
