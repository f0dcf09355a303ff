// One request through the sandbox: auth → version → route → rate limit → faults → JSON body → handler.

import type { ApiContext } from './api/context.ts';
import { SandboxApiError } from './api-error.ts';
import { decideFault, type FaultOptions } from './faults.ts';
import { Query } from './query.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { Router } from './router.ts';
import type { SandboxStats } from './stats.ts';

export const USERFLOW_VERSIONS: readonly string[] = ['2020-01-03'];

/** Transport-neutral request: the HTTP adapter fills it from whatever server runs the sandbox. */
export interface RawRequest {
  method: string;
  /** Path and query, e.g. `/users?limit=2`. */
  url: string;
  /** Header by lower-case name. */
  header: (name: string) => string | undefined;
  text: () => Promise<string>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text, or null for an empty response. */
  body: string | null;
}

export interface PipelineDeps {
  ctx: ApiContext;
  router: Router;
  limiter: RateLimiter;
  stats: SandboxStats;
  /** Accepted bearer tokens; empty accepts any non-empty token. */
  apiKeys: readonly string[];
  /** Send `Retry-After` with 429s. */
  retryAfter: boolean;
  faults?: FaultOptions | undefined;
  sleep: (ms: number) => Promise<void>;
  origin: () => string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function createPipeline(deps: PipelineDeps): (request: RawRequest) => Promise<RawResponse> {
  const { ctx, stats } = deps;
  const codes = ctx.flags.errorCodes;
  return async (request) => {
    stats.started();
    let routeName: string | undefined;
    let release: (() => void) | undefined;
    let response: RawResponse;
    try {
      const key = authenticate(request, deps);
      checkVersion(request, ctx.flags.requireVersionHeader);
      const queryAt = request.url.indexOf('?');
      const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
      const match = deps.router.match(request.method, path);
      if (match.kind === 'not_found') {
        throw new SandboxApiError(404, codes.notFound, `No such endpoint: ${request.method} ${path}`);
      }
      if (match.kind === 'method_not_allowed') {
        throw new SandboxApiError(405, codes.methodNotAllowed, `${request.method} is not allowed on ${path}`);
      }
      routeName = match.route.name;
      const admission = deps.limiter.admit(ctx.flags.rateLimitScope === 'key' ? key : '*');
      if (!admission.ok) {
        stats.limited(admission.reason);
        response = errorResponse(
          new SandboxApiError(429, codes.rateLimited, 'Too many requests. Slow down and retry.'),
          deps.retryAfter ? { 'retry-after': String(admission.retryAfterSeconds) } : {},
        );
      } else {
        release = admission.release;
        const fault = decideFault(deps.faults);
        if (fault.delayMs > 0) await deps.sleep(fault.delayMs);
        if (fault.error === 'before') throw injectedFault(stats, codes.serverError);
        const body = await readJson(request);
        const result = match.route.handler(ctx, {
          method: request.method,
          path,
          params: match.params,
          query: new Query(queryAt === -1 ? '' : request.url.slice(queryAt + 1)),
          body,
          origin: deps.origin(),
        });
        if (fault.error === 'after') throw injectedFault(stats, codes.serverError);
        response = {
          status: result.status,
          headers: result.body === undefined ? {} : JSON_HEADERS,
          body: result.body === undefined ? null : JSON.stringify(result.body),
        };
      }
    } catch (error) {
      response = errorResponse(
        error instanceof SandboxApiError
          ? error
          : new SandboxApiError(500, codes.serverError, 'Internal server error'),
      );
    } finally {
      release?.();
    }
    stats.finished(response.status, routeName);
    return response;
  };
}

function authenticate(request: RawRequest, deps: PipelineDeps): string {
  const code = deps.ctx.flags.errorCodes.unauthorized;
  const header = request.header('authorization');
  const token = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!token) throw new SandboxApiError(401, code, 'Missing API key: send Authorization: Bearer <api key>');
  if (deps.apiKeys.length && !deps.apiKeys.includes(token))
    throw new SandboxApiError(401, code, 'Invalid API key');
  return token;
}

function checkVersion(request: RawRequest, required: boolean): void {
  const version = request.header('userflow-version');
  if (version === undefined) {
    if (required) throw new SandboxApiError(400, 'invalid_params', 'Userflow-Version: header is required');
    return;
  }
  if (!USERFLOW_VERSIONS.includes(version.trim())) {
    throw new SandboxApiError(
      400,
      'invalid_params',
      `Userflow-Version: unknown version '${version}'; supported: ${USERFLOW_VERSIONS.join(', ')}`,
    );
  }
}

async function readJson(request: RawRequest): Promise<unknown> {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  const text = await request.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new SandboxApiError(400, 'invalid_params', 'body: not valid JSON');
  }
}

function injectedFault(stats: SandboxStats, code: string): SandboxApiError {
  stats.fault();
  return new SandboxApiError(500, code, 'Internal server error (injected fault)');
}

function errorResponse(error: SandboxApiError, headers: Record<string, string> = {}): RawResponse {
  return {
    status: error.status,
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify(error.toBody()),
  };
}
