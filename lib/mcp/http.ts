// Streamable HTTP at /mcp, stateless: each POST authenticates its bearer token and gets a server of its own.
// A plain fetch handler, so Hono (local mode) and the Lambda adapter both mount it without this module knowing.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { ToolDeps } from './deps.ts';
import { PrincipalError } from './errors.ts';
import { authenticate } from './principals.ts';
import type { PrincipalStore } from './principals-store.ts';
import { createMcpServer } from './server.ts';

export const MCP_PATH = '/mcp';
/** A JSON-RPC message of tool arguments is small; anything this large is refused before it is parsed. */
export const MCP_BODY_LIMIT_BYTES = 1024 * 1024;

export interface McpHttpOptions {
  principals: PrincipalStore;
  deps: ToolDeps;
  onAuditError?: (error: unknown) => void;
}

export type FetchHandler = (request: Request) => Promise<Response>;

export function createMcpHttpHandler(options: McpHttpOptions): FetchHandler {
  return async (request) => {
    let principal: Awaited<ReturnType<typeof authenticate>>;
    try {
      principal = await authenticate(bearer(request), options.principals.findByTokenHash, options.deps.now());
    } catch (error) {
      if (error instanceof PrincipalError && error.status === 401) return unauthorized(error);
      throw error;
    }
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > MCP_BODY_LIMIT_BYTES) {
      return jsonError(413, 'body_too_large', `an MCP message may be at most ${MCP_BODY_LIMIT_BYTES} bytes`);
    }
    const server = createMcpServer({
      deps: options.deps,
      principal,
      transport: 'http',
      ...(options.onAuditError ? { onAuditError: options.onAuditError } : {}),
    });
    // JSON answers rather than an SSE stream: nothing here streams, and a Lambda cannot hold a stream open.
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request);
    } finally {
      await server.close();
    }
  };
}

/** Sends `/mcp` to the agent tools and everything else to `next` (the webhook app). */
export function withMcpRoute<F extends (request: Request, ...rest: never[]) => Response | Promise<Response>>(
  mcp: FetchHandler,
  next: F,
): F {
  const routed = (request: Request, ...rest: never[]) =>
    new URL(request.url).pathname === MCP_PATH ? mcp(request) : next(request, ...rest);
  return routed as F;
}

function bearer(request: Request): string | undefined {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

function jsonError(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function unauthorized(error: PrincipalError): Response {
  const description = error.message.replaceAll('"', "'");
  return jsonError(401, error.code, error.message, {
    // RFC 6750: no token → no error code; a bad one → invalid_token.
    'www-authenticate':
      error.code === 'missing_token'
        ? 'Bearer realm="userflow-bridge"'
        : `Bearer realm="userflow-bridge", error="invalid_token", error_description="${description}"`,
  });
}
