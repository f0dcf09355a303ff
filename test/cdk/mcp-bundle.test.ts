// The real MCP bundle from a `cdk synth`, on the Lambda runtime's Node (24): a JSON-RPC tools/list and a queued
// write through an API Gateway v2 event, against dynalite (principals), a loopback Secrets Manager (the Userflow
// key), the SQS emulator and the Userflow sandbox.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridgeApp } from '../../cdk/build-app.ts';
import { openDynamoDbPrincipals } from '../../lib/mcp/principals-dynamodb.ts';
import { createPrincipal } from '../../lib/mcp/principals-store.ts';
import { createSqsQueue } from '../../lib/queue/sqs/sqs-queue.ts';
import { type RunningSandbox, startSandbox } from '../../lib/sandbox/index.ts';
import { openDynamoDbTrail } from '../../lib/trail/dynamodb-store.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../helpers/dynamodb-emulator.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager.ts';
import { type SqsEmulator, startSqsEmulator } from '../helpers/sqs-emulator.ts';
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
  const template = JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8'));
  const id = (c: { node: { defaultChild?: unknown } }) =>
    stack.resolve(stack.getLogicalId(c.node.defaultChild as never)) as string;
  const keyName = template.Resources[id(stack.userflowApiKey)].Properties.Name as string;
  sm.put(keyName, sandbox.apiKey);
  // The table with the keys the template declares, so a function that disagrees with its table fails here.
  const { KeySchema, AttributeDefinitions } = template.Resources[id(mcp.principals)].Properties;
  await ddb.client.send(
    new CreateTableCommand({
      TableName: 'principals',
      KeySchema,
      AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // The trail as the template declares it (indexes included): every tool call is audited there.
  const trailTable = template.Resources[id(stack.trail.table)].Properties;
  await ddb.client.send(
    new CreateTableCommand({
      TableName: 'trail',
      KeySchema: trailTable.KeySchema,
      AttributeDefinitions: trailTable.AttributeDefinitions,
      GlobalSecondaryIndexes: trailTable.GlobalSecondaryIndexes,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const table = openDynamoDbPrincipals({ tableName: 'principals', client: ddb.clientConfig });
  token = (
    await createPrincipal(
      table,
      { name: 'cloud-agent', scopes: ['userflow:read', 'events:write'] },
      { now: new Date() },
    )
  ).token;

  dir = assetDirOf(outdir, stack, mcp.fn.fn);
  env = {
    ...lambdaEnvironment(synthesizedFunction(outdir, stack, mcp.fn.fn), dir, {
      [id(stack.queues.queue)]: queue.url,
      [id(mcp.principals)]: 'principals',
      [id(stack.trail.table)]: 'trail',
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

    // The call is audited in the stack's trail, on whose behalf.
    const trail = openDynamoDbTrail({ tableName: 'trail', client: services.ddb.clientConfig });
    const audited = await trail.listAttempts({ principal: 'agent:cloud-agent', limit: 10 });
    trail.close();
    expect(audited.map((a) => a.action)).toContain('userflow_track_event');
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
