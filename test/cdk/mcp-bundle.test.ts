// The real MCP bundle from a `cdk synth`, on the Lambda runtime's Node (24): a JSON-RPC tools/list, a queued
// write, the bridge tools that need the bundled rules, the DLQ and the trail, and a confirmed delete, each
// through an API Gateway v2 event, against dynalite (principals, trail), a loopback Secrets Manager (the
// Userflow key and the confirmation secret), the SQS emulator and the Userflow sandbox. Each run is a fresh
// process, like a new Lambda instance.
import { hkdfSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridgeApp } from '../../cdk/build-app.ts';
import { BUDGET_TABLE_KEY } from '../../lib/budget/dynamodb-lease-store.ts';
import { issueConfirmation } from '../../lib/mcp/confirm.ts';
import { openDynamoDbPrincipals } from '../../lib/mcp/principals-dynamodb.ts';
import { createPrincipal } from '../../lib/mcp/principals-store.ts';
import { createSqsQueue } from '../../lib/queue/sqs/sqs-queue.ts';
import type { RunningSandbox } from '../../lib/sandbox/index.ts';
import { openDynamoDbTrail } from '../../lib/trail/dynamodb-store.ts';
import { UserflowClient } from '../../lib/userflow/index.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../helpers/dynamodb-emulator.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager.ts';
import { startSandbox } from '../helpers/sandbox.ts';
import { type SqsEmulator, startSqsEmulator } from '../helpers/sqs-emulator.ts';
import { attempt, intake } from '../integration/trail/trail-contract.ts';
import { apiGatewayV2Event } from './helpers/api-gateway-event.ts';
import {
  assetDirOf,
  lambdaEnvironment,
  node24Binary,
  runBundle,
  synthesizedFunction,
} from './helpers/lambda-bundles.ts';
import { PROJECT_ROOT } from './helpers/stack.ts';

const root = PROJECT_ROOT.replace(/\/$/, '');
mkdirSync(join(root, 'cdk.out'), { recursive: true });
const outdir = mkdtempSync(join(root, 'cdk.out', 'mcp-bundle-test-'));

let node: string;
let dir: string;
let env: Record<string, string>;
let token: string;
let bridgeToken: string;
let cleanerToken: string;
let dlqUrl: string;
let services: { sqs: SqsEmulator; sandbox: RunningSandbox; sm: FakeSecretsManager; ddb: DynamoDbEmulator };
let queueUrl: string;

beforeAll(async () => {
  const app = new App({ outdir });
  const { stack } = await buildBridgeApp({ app, nag: false });
  const mcp = stack.mcp;
  if (!mcp) throw new Error('expected the MCP path');
  app.synth();
  const [binary, sqs, sandbox, sm, ddb] = await Promise.all([
    node24Binary(),
    startSqsEmulator(),
    startSandbox(),
    startFakeSecretsManager(),
    startDynamoDbEmulator(),
  ]);
  node = binary;
  services = { sqs, sandbox, sm, ddb };
  const queue = await sqs.createFifoQueue('commands', { dlq: true, maxReceiveCount: 40 });
  queueUrl = queue.url;
  dlqUrl = (queue.dlq as { url: string }).url;
  const template = JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8'));
  const id = (c: { node: { defaultChild?: unknown } }) =>
    stack.resolve(stack.getLogicalId(c.node.defaultChild as never)) as string;
  const keyName = template.Resources[id(stack.userflowApiKey)].Properties.Name as string;
  sm.put(keyName, sandbox.apiKey);
  // The stack generates this JSON object; any random value will do here.
  const confirmName = template.Resources[id(mcp.confirmSecret)].Properties.Name as string;
  sm.put(confirmName, JSON.stringify({ MCP_CONFIRM_SECRET: 'b'.repeat(24) + Date.now().toString(36) }));
  // Each table as the template declares it, so a function that disagrees with its table fails here: the
  // principals, the stack's one budget (agents' reads lease from it, as the deliver functions do) and the trail
  // (indexes included: every tool call is audited there).
  await ddb.createDeclaredTable('principals', template.Resources[id(mcp.principals)].Properties);
  await ddb.createDeclaredTable('budget', template.Resources[id(stack.budgetTable)].Properties);
  await ddb.createDeclaredTable('trail', template.Resources[id(stack.trail.table)].Properties);
  const table = openDynamoDbPrincipals({ tableName: 'principals', client: ddb.clientConfig });
  token = (
    await createPrincipal(
      table,
      { name: 'cloud-agent', scopes: ['userflow:read', 'events:write'] },
      { now: new Date() },
    )
  ).token;
  const issue = async (name: string, scopes: Parameters<typeof createPrincipal>[1]['scopes']) =>
    (await createPrincipal(table, { name, scopes }, { now: new Date() })).token;
  bridgeToken = await issue('bridge-reader', ['bridge:read']);
  cleanerToken = await issue('cleaner', ['userflow:read', 'delete']);

  dir = assetDirOf(outdir, stack, mcp.fn.fn);
  env = {
    ...lambdaEnvironment(synthesizedFunction(outdir, stack, mcp.fn.fn), dir, {
      [id(stack.queues.queue)]: queue.url,
      [id(stack.queues.dlq)]: dlqUrl,
      [id(mcp.confirmSecret)]: sm.arnOf(confirmName),
      [id(mcp.principals)]: 'principals',
      [id(stack.trail.table)]: 'trail',
      [id(stack.budgetTable)]: 'budget',
      [id(stack.userflowApiKey)]: sm.arnOf(keyName),
    }),
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    USERFLOW_API_URL: sandbox.url,
  };
}, 300_000);

afterAll(async () => {
  await Promise.allSettled([
    services?.sqs.close(),
    services?.sandbox.close(),
    services?.sm.close(),
    services?.ddb.close(),
  ]);
  rmSync(outdir, { recursive: true, force: true });
});

function rpc(body: unknown, authorization?: string) {
  return apiGatewayV2Event({
    method: 'POST',
    path: '/mcp',
    routeKey: 'POST /mcp',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify(body),
    now: new Date(),
  });
}

async function call(authorization: string, name: string, args: Record<string, unknown>) {
  const run = await runBundle(dir, {
    node,
    env,
    event: rpc(
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
      `Bearer ${authorization}`,
    ),
  });
  expect(run.error, run.stderr).toBeUndefined();
  const response = run.result as { statusCode: number; body: string };
  expect(response.statusCode, response.body).toBe(200);
  return JSON.parse(response.body).result as {
    isError?: boolean;
    structuredContent?: Record<string, unknown>;
    content: { text: string }[];
  };
}

describe('the MCP bundle on Node 24', () => {
  it('lists the principal’s tools and queues a write it may make', async () => {
    const list = await runBundle(dir, {
      node,
      env,
      event: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, `Bearer ${token}`),
    });
    expect(list.node).toMatch(/^v24\./);
    expect(list.error, list.stderr).toBeUndefined();
    const listed = list.result as { statusCode: number; body: string };
    expect(listed.statusCode, listed.body).toBe(200);
    const names = (JSON.parse(listed.body).result.tools as { name: string }[]).map((t) => t.name);
    expect(names).toContain('userflow_track_event');
    expect(names).not.toContain('userflow_delete_user');

    const call = await runBundle(dir, {
      node,
      env,
      event: rpc(
        {
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'userflow_track_event', arguments: { name: 'agent_ping', user_id: 'usr_cloud' } },
        },
        `Bearer ${token}`,
      ),
    });
    const answered = call.result as { statusCode: number; body: string };
    expect(JSON.parse(answered.body).result.structuredContent, answered.body).toMatchObject({
      status: 'queued',
    });
    const queue = createSqsQueue({ queueUrl, client: services.sqs.clientConfig });
    const [message] = await queue.receive({ maxMessages: 1, waitSeconds: 1 });
    expect(message?.groupId).toBe('usr_cloud');
    // Taken off, so the tests below see only what they queue.
    await queue.delete([message?.receiptHandle as string]);

    // The call is audited in the stack's trail, on whose behalf.
    const trail = openDynamoDbTrail({ tableName: 'trail', client: services.ddb.clientConfig });
    const audited = await trail.listAttempts({ principal: 'agent:cloud-agent', limit: 10 });
    trail.close();
    expect(audited.map((a) => a.action)).toContain('userflow_track_event');
  });

  it("takes an agent's reads from the stack's one budget, as the agent class", async () => {
    const call = await runBundle(dir, {
      node,
      env,
      event: rpc(
        {
          jsonrpc: '2.0',
          id: 3,
          method: 'tools/call',
          params: { name: 'userflow_list_users', arguments: { limit: 1 } },
        },
        `Bearer ${token}`,
      ),
    });
    const answered = call.result as { statusCode: number; body: string };
    expect(JSON.parse(answered.body).result.isError, answered.body).toBeFalsy();
    const { Item } = await services.ddb.client.send(
      new GetItemCommand({ TableName: 'budget', Key: { [BUDGET_TABLE_KEY]: { S: 'userflow' } } }),
    );
    const state = JSON.parse(Item?.state?.S ?? '{}');
    expect(Object.keys(state.classes ?? {})).toContain('agent');
  });

  it('dry-runs a payload through the bundled rules, queueing nothing', async () => {
    const payload = JSON.parse(readFileSync(join(root, 'samples/stripe/trial-converted.json'), 'utf8'));
    const result = await call(bridgeToken, 'bridge_test_rule', { source: 'stripe', payload });
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const events = (result.structuredContent as { events: { commands: { type: string }[] }[] }).events;
    expect(events[0]?.commands.map((c) => c.type)).toContain('add_membership');
    const queue = createSqsQueue({ queueUrl, client: services.sqs.clientConfig });
    expect(await queue.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
  });

  it("tells an event's story and a user's timeline from the stack's trail", async () => {
    // The contract's record: request `story`, its event `evt_story` and command `cmd_story` for user `ada`.
    const trail = openDynamoDbTrail({ tableName: 'trail', client: services.ddb.clientConfig });
    const now = new Date().toISOString();
    await trail.putIntake(intake({ requestId: 'story', receivedAt: now }));
    await trail.putAttempt(attempt({ commandId: 'cmd_story', at: now, userId: 'ada' }));
    trail.close();

    const story = await call(bridgeToken, 'bridge_explain_event', { id: 'evt_story' });
    expect(story.isError, story.content[0]?.text).toBeFalsy();
    expect(story.structuredContent).toMatchObject({
      intake: { requestId: 'story', events: [{ commands: [{ id: 'cmd_story' }] }] },
      attempts: [{ commandId: 'cmd_story', outcome: 'delivered' }],
    });
    const timeline = await call(bridgeToken, 'bridge_user_timeline', { user_id: 'ada' });
    expect(timeline.isError, timeline.content[0]?.text).toBeFalsy();
    const { intakes, attempts } = timeline.structuredContent as {
      intakes: { requestId: string }[];
      attempts: { commandId: string }[];
    };
    expect(intakes.map((i) => i.requestId)).toEqual(['story']);
    expect(attempts.map((a) => a.commandId)).toEqual(['cmd_story']);
  });

  it('lists the DLQ by reason and leaves every dead letter in it', async () => {
    const dlq = createSqsQueue({ queueUrl: dlqUrl, client: services.sqs.clientConfig });
    await dlq.send([{ body: JSON.stringify({ id: 'cmd_dead' }), groupId: 'usr_dead', dedupeId: 'd1' }]);
    const result = await call(bridgeToken, 'bridge_dlq_list', {});
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ queue: 'webhooks', scanned: 1 });
    // Peeked, not taken: the message is still there for a redrive.
    const again = await call(bridgeToken, 'bridge_dlq_list', {});
    expect(again.structuredContent).toMatchObject({ scanned: 1 });
  });

  it('confirms a delete with a token another instance issued, and never one forged, borrowed or used before', async () => {
    const userflow = new UserflowClient({ apiKey: services.sandbox.apiKey, baseUrl: services.sandbox.url });
    await userflow.createOrUpdateUser({ id: 'usr_leaving', attributes: { name: 'Leaving' } });
    const first = await call(cleanerToken, 'userflow_delete_user', { id: 'usr_leaving' });
    const { status, confirm } = first.structuredContent as { status: string; confirm: string };
    expect(status).toBe('confirmation_required');

    // Knowing the Userflow key is not enough to sign one (the secret used to be derived from it).
    const fromKey = new Uint8Array(
      hkdfSync('sha256', services.sandbox.apiKey, 'userflow-bridge', 'mcp-confirm', 32),
    );
    const forged = issueConfirmation(
      fromKey,
      { principal: 'cleaner', tool: 'userflow_delete_user', args: { id: 'usr_leaving' } },
      new Date(),
    );
    const refusedForged = await call(cleanerToken, 'userflow_delete_user', {
      id: 'usr_leaving',
      confirm: forged.token,
    });
    expect(refusedForged.isError).toBe(true);
    expect(refusedForged.content[0]?.text).toContain('confirmation_mismatch');

    // Another principal, even one allowed to delete, cannot use the token handed to this one.
    const other = (
      await createPrincipal(
        openDynamoDbPrincipals({ tableName: 'principals', client: services.ddb.clientConfig }),
        { name: 'other-cleaner', scopes: ['userflow:read', 'delete'] },
        { now: new Date() },
      )
    ).token;
    const borrowed = await call(other, 'userflow_delete_user', { id: 'usr_leaving', confirm });
    expect(borrowed.isError).toBe(true);
    expect(borrowed.content[0]?.text).toContain('confirmation_mismatch');

    const queue = createSqsQueue({ queueUrl, client: services.sqs.clientConfig });
    expect(await queue.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
    const confirmed = await call(cleanerToken, 'userflow_delete_user', { id: 'usr_leaving', confirm });
    expect(confirmed.structuredContent, confirmed.content[0]?.text).toMatchObject({ status: 'queued' });
    const [message] = await queue.receive({ maxMessages: 1, waitSeconds: 1 });
    expect(message?.groupId).toBe('usr_leaving');

    // Used once, it confirms nothing more: the claim is in the trail table, so no other instance takes it either.
    const reused = await call(cleanerToken, 'userflow_delete_user', { id: 'usr_leaving', confirm });
    expect(reused.isError).toBe(true);
    expect(reused.content[0]?.text).toContain('confirmation_used');
    expect(await queue.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
  });

  it('answers 401 with WWW-Authenticate without a token', async () => {
    const run = await runBundle(dir, {
      node,
      env,
      event: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    const response = run.result as { statusCode: number; headers: Record<string, string> };
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
  });
});
