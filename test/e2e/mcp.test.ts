// The agent tools as a user meets them: principals made with the CLI, `npm start` serving /mcp, `mcp` spawned
// over stdio, and the SDK's own Client on both, against the sandbox the bridge runs.
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_USER_ID } from '../../lib/local/sandbox-seed.ts';
import { SANDBOX_API_KEY } from '../../lib/sandbox/index.ts';
import { openSqliteTrail } from '../../lib/trail/sqlite-store.ts';
import {
  type Checkout,
  cleanEnv,
  REPO_ROOT,
  runCli,
  type StartedBridge,
  scratchCheckout,
  startBridgeProcess,
} from '../helpers/spawn-cli.ts';
import { eventually, sandboxUser } from './support.ts';

const ALL_SCOPES = 'userflow:read,users:write,groups:write,memberships:write,events:write,delete,bridge:read';

describe('agent tools over HTTP and stdio', () => {
  let checkout: Checkout;
  let bridge: StartedBridge;
  let sandboxUrl: string;
  const tokens: Record<string, string> = {};
  const clients: Client[] = [];

  async function createPrincipal(name: string, scopes?: string): Promise<string> {
    const args = ['principals', 'create', name, '--json', ...(scopes ? ['--scopes', scopes] : [])];
    const result = await runCli(args, { cwd: checkout.dir });
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { token: string }).token;
  }

  async function overHttp(token: string): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(`${bridge.ingestUrl}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  async function overStdio(token: string): Promise<Client> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(REPO_ROOT, 'bin', 'userflow-bridge.js'), 'mcp'],
      cwd: checkout.dir,
      env: cleanEnv({ UFB_TOKEN: token, USERFLOW_API_KEY: SANDBOX_API_KEY, USERFLOW_API_URL: sandboxUrl }),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  const text = (result: unknown) => (result as { content: { text: string }[] }).content[0]?.text ?? '';

  beforeAll(async () => {
    checkout = scratchCheckout();
    bridge = await startBridgeProcess({ cwd: checkout.dir });
    sandboxUrl = bridge.sandboxUrl as string;
    tokens.admin = await createPrincipal('admin', ALL_SCOPES);
    tokens.reader = await createPrincipal('reader');
    tokens.mover = await createPrincipal('mover', 'userflow:read,memberships:write');
    tokens.cleaner = await createPrincipal('cleaner', 'userflow:read,delete');
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await bridge?.stop();
    checkout?.remove();
  });

  it('lists the 18 + 4 tools with valid JSON Schemas and truthful annotations', async () => {
    const client = await overHttp(tokens.admin as string);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toHaveLength(22);
    const ajv = new Ajv({ strict: false });
    for (const tool of tools) {
      expect(() => ajv.compile(tool.inputSchema), tool.name).not.toThrow();
      if (tool.outputSchema) expect(() => ajv.compile(tool.outputSchema as object), tool.name).not.toThrow();
      const hints = tool.annotations ?? {};
      expect(hints.openWorldHint, tool.name).toBe(true);
      const action = tool.name.replace(/^userflow_/, '');
      if (/^(get|list)_/.test(action) || tool.name.startsWith('bridge_')) {
        expect(hints.readOnlyHint, tool.name).toBe(true);
      } else if (/^delete_|^remove_membership$/.test(action)) {
        expect(hints, tool.name).toMatchObject({
          readOnlyHint: false,
          destructiveHint: true,
          idempotentHint: true,
        });
      } else if (/^create_or_update_/.test(action)) {
        expect(hints, tool.name).toMatchObject({
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: true,
        });
      } else {
        expect(action).toBe('track_event');
        expect(hints).toMatchObject({ readOnlyHint: false, idempotentHint: false });
      }
    }
  });

  it('a read-only principal sees no write tool and is refused one by name, with the missing scope', async () => {
    const client = await overHttp(tokens.reader as string);
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    const refused = await client.callTool({ name: 'userflow_delete_user', arguments: { id: 'demo_sam' } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('missing_scope');
    expect(text(refused)).toContain('delete');
    expect(await sandboxUser(sandboxUrl, 'demo_sam')).toBeDefined();
  });

  it('a memberships:write principal moves Ada from trial to paid, in order, and the trail names it', async () => {
    const client = await overHttp(tokens.mover as string);
    const first = await client.callTool({
      name: 'userflow_remove_membership',
      arguments: { user_id: SAMPLE_USER_ID, group_id: 'trial' },
    });
    const preview = first.structuredContent as {
      status: string;
      confirm: string;
      preview: { member: boolean };
    };
    expect(preview.status).toBe('confirmation_required');
    expect(preview.preview.member).toBe(true);
    const removed = await client.callTool({
      name: 'userflow_remove_membership',
      arguments: { user_id: SAMPLE_USER_ID, group_id: 'trial', confirm: preview.confirm },
    });
    expect(removed.structuredContent).toMatchObject({ status: 'queued' });
    const added = await client.callTool({
      name: 'userflow_create_or_update_user',
      arguments: { id: SAMPLE_USER_ID, groups: [{ id: 'paid' }] },
      _meta: { actor: 'grace@acme.test' },
    });
    expect(added.structuredContent).toMatchObject({ status: 'queued' });

    await eventually(async () => {
      const ada = await sandboxUser(sandboxUrl, SAMPLE_USER_ID);
      return ada?.memberships.map((m) => m.group_id).join(',') === 'paid';
    }, 'Ada in paid and no longer in trial');

    const trail = openSqliteTrail(join(checkout.dir, '.local', 'trail.db'));
    try {
      const calls = await trail.listAttempts({ principal: 'agent:mover', limit: 10 });
      expect(calls.map((c) => [c.action, c.outcome]).reverse()).toEqual([
        ['userflow_remove_membership', 'confirmation_required'],
        ['userflow_remove_membership', 'queued'],
        ['userflow_create_or_update_user', 'queued'],
      ]);
      expect(calls[0]?.request).toMatchObject({ actor: 'grace@acme.test', transport: 'http' });
      expect(calls[1]?.request).toMatchObject({
        confirmation: 'token',
        arguments: { confirm: '[redacted]' },
      });
    } finally {
      trail.close();
    }
  });

  it('a delete without confirmation changes nothing; with the token it deletes, once', async () => {
    const client = await overHttp(tokens.cleaner as string);
    const first = await client.callTool({ name: 'userflow_delete_user', arguments: { id: 'demo_lee' } });
    const answer = first.structuredContent as {
      status: string;
      confirm: string;
      preview: { user: { id: string } };
    };
    expect(answer.status).toBe('confirmation_required');
    expect(answer.preview.user.id).toBe('demo_lee');
    expect(await sandboxUser(sandboxUrl, 'demo_lee')).toBeDefined();

    const otherUser = await client.callTool({
      name: 'userflow_delete_user',
      arguments: { id: 'demo_dana', confirm: answer.confirm },
    });
    expect(otherUser.isError).toBe(true);
    expect(text(otherUser)).toContain('confirmation_mismatch');

    const confirmed = await client.callTool({
      name: 'userflow_delete_user',
      arguments: { id: 'demo_lee', confirm: answer.confirm },
    });
    expect(confirmed.structuredContent).toMatchObject({ status: 'queued' });
    const reused = await client.callTool({
      name: 'userflow_delete_user',
      arguments: { id: 'demo_lee', confirm: answer.confirm },
    });
    expect(text(reused)).toContain('confirmation_used');
    await eventually(
      async () => (await sandboxUser(sandboxUrl, 'demo_lee')) === undefined,
      'demo_lee deleted',
    );
    expect(await sandboxUser(sandboxUrl, 'demo_dana')).toBeDefined();
  });

  it('over stdio, spawned as a desktop agent would, with the principal from UFB_TOKEN', async () => {
    const client = await overStdio(tokens.mover as string);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('userflow_remove_membership');
    expect(tools.map((t) => t.name)).not.toContain('userflow_delete_user');
    const ada = await client.callTool({ name: 'userflow_get_user', arguments: { id: SAMPLE_USER_ID } });
    expect(ada.isError).toBeFalsy();
    expect((ada.structuredContent as { id: string }).id).toBe(SAMPLE_USER_ID);
  });

  it('a revoked token fails: 401 with WWW-Authenticate over HTTP, a tool error over stdio', async () => {
    const token = await createPrincipal('temp', 'userflow:read');
    const stdio = await overStdio(token);
    expect((await stdio.listTools()).tools.length).toBeGreaterThan(0);
    const revoked = await runCli(['principals', 'revoke', 'temp'], { cwd: checkout.dir });
    expect(revoked.code, revoked.stderr).toBe(0);

    const response = await fetch(`${bridge.ingestUrl}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    await expect(overHttp(token)).rejects.toThrow();
    const missing = await fetch(`${bridge.ingestUrl}/mcp`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);

    const call = await stdio.callTool({ name: 'userflow_get_user', arguments: { id: SAMPLE_USER_ID } });
    expect(call.isError).toBe(true);
    expect(text(call)).toContain('revoked_token');
  });
});
