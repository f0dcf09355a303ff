// The agent tools in process: the SDK's Client over an in-memory transport, the sandbox as Userflow, a queue that
// keeps what was sent, and a SQLite trail for the audit.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope as envelopeSchema } from '../../../lib/commands/index.ts';
import { LOCAL_QUEUE_SETTINGS } from '../../../lib/local/layout.ts';
import { quickStartSeed, SAMPLE_USER_ID } from '../../../lib/local/sandbox-seed.ts';
import { DEFAULT_WAIT, type ToolDeps } from '../../../lib/mcp/deps.ts';
import type { Principal } from '../../../lib/mcp/principals.ts';
import type { Scope } from '../../../lib/mcp/scopes.ts';
import { createMcpServer } from '../../../lib/mcp/server.ts';
import { openSqliteQueues } from '../../../lib/queue/sqlite/sqlite-queue.ts';
import { loadRules } from '../../../lib/rules/index.ts';
import { type RunningSandbox, SANDBOX_API_KEY, type SeedDocument } from '../../../lib/sandbox/index.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import type { TrailStore } from '../../../lib/trail/store.ts';
import { UserflowClient } from '../../../lib/userflow/client.ts';
import { type MemoryQueue, memoryQueue } from '../../helpers/memory-queue.ts';
import { startSandbox } from '../../helpers/sandbox.ts';

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

async function connect(
  scopes: Scope[],
  name = 'claude',
  extra: Partial<ToolDeps> & {
    queue?: MemoryQueue;
    answer?: { action: 'accept' | 'decline'; confirm?: boolean };
  } = {},
): Promise<{ client: Client; queue: MemoryQueue }> {
  const queue = extra.queue ?? memoryQueue();
  const deps: ToolDeps = {
    userflow: new UserflowClient({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox.url }),
    queue,
    trail,
    confirmSecret: Buffer.alloc(32, 7),
    now: () => new Date(),
    wait: DEFAULT_WAIT,
    retentionDays: 30,
    ...extra,
  };
  const { answer } = extra;
  const principal: Principal = { name, scopes };
  const server = createMcpServer({ deps, principal, transport: 'memory', elicit: answer !== undefined });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client(
    { name: 'test', version: '1.0.0' },
    answer ? { capabilities: { elicitation: { form: {} } } } : {},
  );
  if (answer) {
    // The human, as a client that supports elicitation would ask them.
    client.setRequestHandler(ElicitRequestSchema, async () =>
      answer.action === 'accept'
        ? { action: 'accept', content: { confirm: answer.confirm ?? false } }
        : answer,
    );
  }
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

  it('wait: true answers with the delivery outcome once the trail has it', async () => {
    const queue = memoryQueue();
    const send = queue.send.bind(queue);
    // Stands in for delivery: the attempt lands in the trail right after the command is queued.
    queue.send = async (messages) => {
      await send(messages);
      const sent = envelopeSchema.parse(JSON.parse(messages[0]?.body as string));
      await trail.putAttempt({
        commandId: sent.id,
        messageId: 'm1',
        at: new Date().toISOString(),
        attempt: 1,
        action: 'trackEvent',
        status: 200,
        latencyMs: 3,
        outcome: 'delivered',
        expiresAt: 4_000_000_000,
      });
    };
    const fast = { ...DEFAULT_WAIT, pollMs: 10 };
    const { client } = await connect(['events:write'], 'waiter', { queue, wait: fast });
    const result = await client.callTool({
      name: 'userflow_track_event',
      arguments: { name: 'agent_checked_in', user_id: SAMPLE_USER_ID, wait: true },
    });
    expect(result.structuredContent).toMatchObject({ status: 'delivered', delivery: { status: 200 } });
  });

  it('bridge tools: explain a command, a user timeline, a rule dry run that queues nothing, the DLQ', async () => {
    const queues = openSqliteQueues({
      path: join(dir, 'queue.db'),
      mainName: 'webhooks',
      dlqName: 'webhooks-dlq',
      ...LOCAL_QUEUE_SETTINGS,
    });
    const rules = await loadRules('rules');
    const { client, queue } = await connect(['bridge:read', 'memberships:write'], 'bridgebot', {
      rules: () => rules,
      dlqs: { webhooks: queues.dlq },
    });
    try {
      const write = await client.callTool({
        name: 'userflow_create_or_update_user',
        arguments: { id: 'usr_timeline', groups: [{ id: 'paid' }] },
      });
      const { commandId } = write.structuredContent as { commandId: string };
      const explained = await client.callTool({ name: 'bridge_explain_event', arguments: { id: commandId } });
      const attempts = (explained.structuredContent as { attempts: { principal: string }[] }).attempts;
      expect(attempts.map((a) => a.principal)).toEqual(['agent:bridgebot']);

      const timeline = await client.callTool({
        name: 'bridge_user_timeline',
        arguments: { user_id: 'usr_timeline' },
      });
      expect((timeline.structuredContent as { attempts: unknown[] }).attempts).toHaveLength(1);

      const before = queue.sent.length;
      const payload = JSON.parse(readFileSync('samples/stripe/trial-converted.json', 'utf8')) as unknown;
      const dry = await client.callTool({
        name: 'bridge_test_rule',
        arguments: { source: 'stripe', payload },
      });
      const events = (dry.structuredContent as { events: { commands: { type: string }[] }[] }).events;
      expect(events[0]?.commands.map((c) => c.type)).toContain('add_membership');
      expect(queue.sent.length).toBe(before);

      const unknown = await client.callTool({
        name: 'bridge_test_rule',
        arguments: { source: 'nope', payload },
      });
      expect(text(unknown)).toContain('known sources: ');

      const dlq = await client.callTool({ name: 'bridge_dlq_list', arguments: {} });
      expect(dlq.structuredContent).toMatchObject({ queue: 'webhooks', scanned: 0 });
    } finally {
      queues.close();
    }
  });

  it('arguments the queued command refuses come back as a tool error, and nothing is queued', async () => {
    const { client, queue } = await connect(['events:write']);
    const result = await client.callTool({
      name: 'userflow_track_event',
      arguments: { name: 'x', user_id: SAMPLE_USER_ID, time: 'yesterday' },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^invalid_arguments: time/);
    expect(queue.sent).toHaveLength(0);
  });

  it('with a client that can ask its human, a destructive tool asks instead of handing out a token', async () => {
    const yes = await connect(['memberships:write'], 'asker', {
      answer: { action: 'accept', confirm: true },
    });
    const done = await yes.client.callTool({
      name: 'userflow_remove_membership',
      arguments: { user_id: SAMPLE_USER_ID, group_id: 'trial' },
    });
    const { commandId } = done.structuredContent as { commandId: string; status: string };
    expect(done.structuredContent).toMatchObject({ status: 'queued' });
    expect(yes.queue.sent).toHaveLength(1);
    const [record] = await trail.attemptsFor([commandId]);
    expect(record?.request).toMatchObject({ confirmation: 'elicitation:accept' });

    const no = await connect(['memberships:write'], 'asker', { answer: { action: 'decline' } });
    const declined = await no.client.callTool({
      name: 'userflow_remove_membership',
      arguments: { user_id: SAMPLE_USER_ID, group_id: 'trial' },
    });
    expect(declined.structuredContent).toMatchObject({ status: 'declined' });
    expect(no.queue.sent).toHaveLength(0);
  });

  it('a confirmation token confirms one call: used again it is refused, and of calls racing with it one wins', async () => {
    // Each reading of the clock a millisecond on, so no two previews are issued the same token.
    let ms = Date.now();
    const { client, queue } = await connect(['memberships:write'], 'oncebot', {
      now: () => {
        ms += 1;
        return new Date(ms);
      },
    });
    const args = { user_id: SAMPLE_USER_ID, group_id: 'trial' };
    const remove = (extra: { confirm?: string } = {}) =>
      client.callTool({ name: 'userflow_remove_membership', arguments: { ...args, ...extra } });
    const tokenOf = async () => ((await remove()).structuredContent as { confirm: string }).confirm;

    const confirm = await tokenOf();
    expect((await remove({ confirm })).structuredContent).toMatchObject({ status: 'queued' });
    const again = await remove({ confirm });
    expect(again.isError).toBe(true);
    expect(text(again)).toMatch(/^confirmation_used: /);
    expect(queue.sent).toHaveLength(1);

    const fresh = await tokenOf();
    const racing = await Promise.all([1, 2, 3].map(() => remove({ confirm: fresh })));
    expect(racing.filter((result) => !result.isError)).toHaveLength(1);
    expect(racing.filter((result) => text(result).startsWith('confirmation_used'))).toHaveLength(2);
    expect(queue.sent).toHaveLength(2);
  });
});
