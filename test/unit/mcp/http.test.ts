import { describe, expect, it } from 'vitest';
import { DEFAULT_WAIT } from '../../../lib/mcp/deps.ts';
import { createMcpHttpHandler, MCP_BODY_LIMIT_BYTES, withMcpRoute } from '../../../lib/mcp/http.ts';
import { hashToken, newToken, type PrincipalRecord } from '../../../lib/mcp/principals.ts';
import type { PrincipalStore } from '../../../lib/mcp/principals-store.ts';
import { UserflowClient } from '../../../lib/userflow/client.ts';
import { memoryQueue } from '../../helpers/memory-queue.ts';

const NOW = new Date('2026-03-01T10:00:00Z');
const live = newToken();
const expired = newToken();

function store(records: PrincipalRecord[]): PrincipalStore {
  return {
    list: async () => records,
    findByTokenHash: async (hash) => records.find((r) => r.tokenSha256 === hash),
    put: async () => {},
  };
}

const handler = createMcpHttpHandler({
  principals: store([
    { name: 'ok', tokenSha256: hashToken(live), scopes: ['userflow:read'], createdAt: NOW.toISOString() },
    {
      name: 'old',
      tokenSha256: hashToken(expired),
      scopes: ['userflow:read'],
      createdAt: NOW.toISOString(),
      expiresAt: '2026-02-01T00:00:00Z',
    },
  ]),
  deps: {
    userflow: new UserflowClient({ apiKey: 'unused', baseUrl: 'http://127.0.0.1:9' }),
    queue: memoryQueue(),
    confirmSecret: Buffer.alloc(32),
    now: () => NOW,
    wait: DEFAULT_WAIT,
    retentionDays: 30,
  },
});

const post = (headers: Record<string, string>, body = '{}') =>
  handler(new Request('http://bridge.test/mcp', { method: 'POST', headers, body }));

describe('POST /mcp', () => {
  it('without a token: 401 with a bare Bearer challenge', async () => {
    const response = await post({});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="userflow-bridge"');
  });

  it('an unknown or expired token: 401 invalid_token, saying which', async () => {
    for (const [token, code] of [
      [newToken(), 'unknown_token'],
      [expired, 'expired_token'],
    ] as const) {
      const response = await post({ authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it('a valid token with a body over the limit: 413 before anything parses it', async () => {
    const response = await post({
      authorization: `Bearer ${live}`,
      'content-length': String(MCP_BODY_LIMIT_BYTES + 1),
    });
    expect(response.status).toBe(413);
  });

  it('the route sends only /mcp to the agent tools', async () => {
    const routed = withMcpRoute(
      handler,
      async (_request: Request) => new Response('webhooks', { status: 202 }),
    );
    expect((await routed(new Request('http://bridge.test/webhooks/stripe', { method: 'POST' }))).status).toBe(
      202,
    );
    expect((await routed(new Request('http://bridge.test/mcp', { method: 'POST' }))).status).toBe(401);
  });
});
