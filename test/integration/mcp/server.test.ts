// The agent tools in process: the SDK's Client over an in-memory transport, the sandbox as Userflow, a queue that
// keeps what was sent, and a SQLite trail for the audit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope as envelopeSchema } from '../../../lib/commands/index.ts';
import { quickStartSeed, SAMPLE_USER_ID } from '../../../lib/local/sandbox-seed.ts';
import { DEFAULT_WAIT, type ToolDeps } from '../../../lib/mcp/deps.ts';
import type { Principal } from '../../../lib/mcp/principals.ts';
import type { Scope } from '../../../lib/mcp/scopes.ts';
import { createMcpServer } from '../../../lib/mcp/server.ts';
import {
  type RunningSandbox,
  SANDBOX_API_KEY,
  type SeedDocument,
  startSandbox,
} from '../../../lib/sandbox/index.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import type { TrailStore } from '../../../lib/trail/store.ts';
import { UserflowClient } from '../../../lib/userflow/client.ts';
import { type MemoryQueue, memoryQueue } from '../../helpers/memory-queue.ts';

let sandbox: RunningSandbox;
let dir: string;
let trail: TrailStore;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: quickStartSeed() as SeedDocument });
  dir = mkdtempSync(join(tmpdir(), 'ufb-mcp-'));
  trail = openSqliteTrail(join(dir, 'trail.db'));
});
afterAll(async () => {
  trail?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(scopes: Scope[], name = 'claude'): Promise<{ client: Client; queue: MemoryQueue }> {
  const queue = memoryQueue();
  const deps: ToolDeps = {
    userflow: new UserflowClient({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox.url }),
    queue,
    trail,
    confirmSecret: Buffer.alloc(32, 7),
    now: () => new Date(),
    wait: DEFAULT_WAIT,
    retentionDays: 30,
  };
  const principal: Principal = { name, scopes };
  const server = createMcpServer({ deps, principal, transport: 'memory' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return { client, queue };
}

const text = (result: unknown) =>
  ((result as { content: { text: string }[] }).content[0]?.text ?? '') as string;

describe('the agent tools in process', () => {
  it('a principal with every scope sees the 22 tools, each with an object input schema and every hint set', async () => {
    const { client } = await connect([
      'userflow:read',
      'users:write',
      'groups:write',
      'memberships:write',
      'events:write',
      'delete',
      'bridge:read',
    ]);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(22);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        expect(typeof tool.annotations?.[hint]).toBe('boolean');
      }
    }
  });

  it('reads call Userflow and answer structured content', async () => {
    const { client } = await connect(['userflow:read']);
    const result = await client.callTool({
      name: 'userflow_get_user',
      arguments: { id: SAMPLE_USER_ID, expand: ['memberships'] },
    });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { id: string }).id).toBe(SAMPLE_USER_ID);
    const missing = await client.callTool({ name: 'userflow_get_user', arguments: { id: 'nobody' } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toContain('userflow_list_users');
  });

  it('a write becomes a queued upsert_user envelope for that user, and the audit names the principal', async () => {
    const { client, queue } = await connect(['memberships:write'], 'movebot');
    const result = await client.callTool({
      name: 'userflow_create_or_update_user',
      arguments: { id: SAMPLE_USER_ID, groups: [{ id: 'paid' }] },
      _meta: { actor: 'grace@acme.test' },
    });
    expect(result.isError).toBeFalsy();
    const answer = result.structuredContent as { commandId: string; status: string };
    expect(answer.status).toBe('queued');
    expect(queue.sent).toHaveLength(1);
    const sent = envelopeSchema.parse(JSON.parse(queue.sent[0]?.body as string));
    expect(sent.id).toBe(answer.commandId);
    expect(sent.source).toBe('agent:movebot');
    expect(sent.command).toEqual({ type: 'upsert_user', user_id: SAMPLE_USER_ID, groups: [{ id: 'paid' }] });
    expect(queue.sent[0]?.groupId).toBe(SAMPLE_USER_ID);
    const [record] = await trail.attemptsFor([answer.commandId]);
    expect(record?.principal).toBe('agent:movebot');
    expect(record?.request).toMatchObject({
      tool: 'userflow_create_or_update_user',
      actor: 'grace@acme.test',
    });
  });

  it('attributes in the same upsert need users:write, and the refusal names it', async () => {
    const { client, queue } = await connect(['memberships:write']);
    const result = await client.callTool({
      name: 'userflow_create_or_update_user',
      arguments: { id: SAMPLE_USER_ID, attributes: { plan: 'pro' } },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('users:write');
    expect(queue.sent).toHaveLength(0);
  });
});
