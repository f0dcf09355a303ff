// The real bundles from a full `cdk synth` run on the Lambda runtime's Node (24): ingest takes an API Gateway v2
// event, deliver an SQS event, against the SQS emulator, dynalite, a loopback Secrets Manager and the Userflow sandbox.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeStack } from '../../cdk/bridge-stack.ts';
import { buildBridgeApp } from '../../cdk/build-app.ts';
import { buildEnvelope, command as commandSchema, envelopeMessage } from '../../lib/commands/index.ts';
import { buildSqsEvent } from '../../lib/local/sqs-event.ts';
import { PRE_READ_FILE } from '../../lib/pre-read-files.ts';
import { createSqsQueue } from '../../lib/queue/sqs/sqs-queue.ts';
import { loadRules } from '../../lib/rules/index.ts';
import type { RunningSandbox } from '../../lib/sandbox/index.ts';
import { createSigner } from '../../lib/sources/index.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../helpers/dynamodb-emulator.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager.ts';
import { startSandbox } from '../helpers/sandbox.ts';
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
// Under the project, so the bundles' external `@aws-sdk/*` imports resolve as the runtime's copy would.
mkdirSync(join(root, 'cdk.out'), { recursive: true });
const outdir = mkdtempSync(join(root, 'cdk.out', 'bundle-test-'));
const PORTAL_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

interface World {
  node: string;
  stack: BridgeStack;
  sqs: SqsEmulator;
  sm: FakeSecretsManager;
  ddb: DynamoDbEmulator;
  /** The idempotency table: its local name and the TTL attribute the stack sets on it. */
  idempotency: { table: string; ttlAttribute: string };
  sandbox: RunningSandbox;
  queue: { url: string; arn: string };
  dirs: { ingest: string; deliver: string; sync: string };
  env: { ingest: Record<string, string>; deliver: Record<string, string>; sync: Record<string, string> };
}
let world: World;

beforeAll(async () => {
  const app = new App({ outdir });
  // The shipped example sync file switches the sync path on, so the sync bundle is built and run too.
  const { stack } = await buildBridgeApp({ app, nag: false, config: { syncDir: 'syncs' } });
  const sync = stack.sync;
  if (!sync) throw new Error('expected the sync path');
  app.synth();
  const [node, sqs, sandbox, sm, ddb] = await Promise.all([
    node24Binary(),
    startSqsEmulator(),
    startSandbox(),
    startFakeSecretsManager(),
    startDynamoDbEmulator(),
  ]);
  const queue = await sqs.createFifoQueue('commands', { dlq: true, maxReceiveCount: 40 });

  const template = JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8'));
  const id = (c: { node: { defaultChild?: unknown } }) =>
    stack.resolve(stack.getLogicalId(c.node.defaultChild as never)) as string;
  const nameOf = (c: { node: { defaultChild?: unknown } }) =>
    template.Resources[id(c)].Properties.Name as string;
  sm.put(nameOf(stack.webhookSecrets), JSON.stringify({ PORTAL_WEBHOOK_SECRET: PORTAL_SECRET }));
  sm.put(nameOf(stack.userflowApiKey), sandbox.apiKey);
  sm.put(nameOf(sync.connections), JSON.stringify({}));
  // Each table with the keys the template declares, so a function that disagrees with its table fails here too.
  const tables = {
    idempotency: id(stack.idempotencyTable),
    'sync-state': id(sync.stateTable),
    trail: id(stack.trail.table),
    budget: id(stack.budgetTable),
  };
  for (const [table, logicalId] of Object.entries(tables)) {
    await ddb.createDeclaredTable(table, template.Resources[logicalId].Properties);
  }
  const { TimeToLiveSpecification } = template.Resources[tables.idempotency].Properties;
  const idempotency = { table: 'idempotency', ttlAttribute: TimeToLiveSpecification.AttributeName as string };
  const syncQueue = await sqs.createFifoQueue('sync-commands', { dlq: true, maxReceiveCount: 40 });
  const refs = {
    [id(sync.pipeline.queues.queue)]: syncQueue.url,
    [tables['sync-state']]: 'sync-state',
    [id(sync.connections)]: sm.arnOf(nameOf(sync.connections)),
    [id(stack.queues.queue)]: queue.url,
    [id(stack.queues.dlq)]: queue.dlq?.url ?? '',
    [id(stack.webhookSecrets)]: sm.arnOf(nameOf(stack.webhookSecrets)),
    [id(stack.userflowApiKey)]: sm.arnOf(nameOf(stack.userflowApiKey)),
    [tables.idempotency]: idempotency.table,
    [tables.trail]: 'trail',
    [tables.budget]: 'budget',
  };
  const local = {
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const dirs = {
    ingest: assetDirOf(outdir, stack, stack.ingest.fn),
    deliver: assetDirOf(outdir, stack, stack.deliver.fn),
    sync: assetDirOf(outdir, stack, sync.syncFunction.fn),
  };
  const env = {
    ingest: {
      ...lambdaEnvironment(synthesizedFunction(outdir, stack, stack.ingest.fn), dirs.ingest, refs),
      ...local,
    },
    deliver: {
      ...lambdaEnvironment(synthesizedFunction(outdir, stack, stack.deliver.fn), dirs.deliver, refs),
      ...local,
      // The one setting the stack does not make: Userflow's address is the sandbox here.
      USERFLOW_API_URL: sandbox.url,
    },
    sync: {
      ...lambdaEnvironment(synthesizedFunction(outdir, stack, sync.syncFunction.fn), dirs.sync, refs),
      ...local,
    },
  };
  world = { node, stack, sqs, sm, ddb, idempotency, sandbox, queue, dirs, env };
}, 600_000);

afterAll(async () => {
  await Promise.allSettled([
    world?.sqs.close(),
    world?.sm.close(),
    world?.ddb.close(),
    world?.sandbox.close(),
  ]);
  rmSync(outdir, { recursive: true, force: true });
});

describe('synthesized Lambda bundles', () => {
  it('carry the rule files next to ingest, where RULES_DIR points, and the same files pre-read', () => {
    const rulesDir = join(world.dirs.ingest, 'rules');
    const shipped = readdirSync(join(root, 'rules'))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    expect(readdirSync(rulesDir).sort()).toEqual([PRE_READ_FILE, ...shipped].sort());
    const preRead = JSON.parse(readFileSync(join(rulesDir, PRE_READ_FILE), 'utf8'));
    expect(preRead.files.map((f: { name: string }) => f.name)).toEqual(shipped);
    expect(world.env.ingest.RULES_DIR).toBe(rulesDir);
  });

  it.each(['ingest', 'deliver', 'sync'] as const)(
    '%s is an ESM bundle without better-sqlite3 or the AWS SDK inside',
    (fn) => {
      const code = readFileSync(join(world.dirs[fn], 'index.mjs'), 'utf8');
      expect(code).not.toMatch(/better[-_]sqlite3/);
      // Ingest and sync read their files pre-read at synth, so the YAML parser stays out of their bundles.
      if (fn !== 'deliver') expect(code).not.toContain('yaml.document');
      expect(code).toMatch(/from\s*"@aws-sdk\//);
      expect(existsSync(join(world.dirs[fn], 'index.mjs.map'))).toBe(true);
    },
  );

  it('ingest accepts a signed webhook from an API Gateway v2 event and queues its commands', async () => {
    const now = new Date();
    const rules = await loadRules(join(root, 'rules'));
    const portal = rules.get('portal');
    if (!portal) throw new Error('rules/portal.yaml is gone');
    const body = JSON.stringify({
      type: 'user.signed_up',
      timestamp: now.toISOString(),
      data: {
        external_id: 'usr_bundle_ingest',
        email: 'ingest@example.com',
        name: 'Ingest',
        signup_method: 'email',
      },
    });
    const signed = createSigner(portal.verify)({
      rawBody: body,
      secret: PORTAL_SECRET,
      now,
      eventId: 'msg_bundle_1',
    });
    const event = apiGatewayV2Event({
      method: 'POST',
      path: '/webhooks/portal',
      routeKey: 'POST /webhooks/{source}',
      pathParameters: { source: 'portal' },
      headers: { 'content-type': 'application/json', ...lowerCase(signed) },
      body,
      now,
    });

    const run = await runBundle(world.dirs.ingest, { node: world.node, env: world.env.ingest, event });

    expect(run.node).toMatch(/^v24\./);
    expect(run.error).toBeUndefined();
    const response = run.result as { statusCode: number; body: string };
    expect(response.statusCode, response.body).toBe(202);
    const queue = createSqsQueue({ queueUrl: world.queue.url, client: world.sqs.clientConfig });
    const received = await queue.receive({ maxMessages: 10, waitSeconds: 1 });
    await queue.delete(received.map((m) => m.receiptHandle));
    const commands = received.map((m) => JSON.parse(m.body).command);
    expect(commands).toContainEqual(
      expect.objectContaining({ type: 'upsert_user', user_id: 'usr_bundle_ingest' }),
    );
    // The event is remembered as done, under the TTL attribute the table expires records by (epoch seconds).
    const { Items = [] } = await world.ddb.client.send(
      new ScanCommand({ TableName: world.idempotency.table, ConsistentRead: true }),
    );
    expect(Items.map((item) => [item.id?.S?.split('#')[0], item.status?.S])).toEqual([
      ['ingest', 'COMPLETED'],
    ]);
    expect(Number(Items[0]?.[world.idempotency.ttlAttribute]?.N)).toBeGreaterThanOrEqual(
      // Stripe retries for 3 days (259,200 s), written out so a lowered floor constant cannot move it.
      Math.floor(now.getTime() / 1000) + 259_200,
    );
  });

  it('ingest answers GET /readyz 200 once the queue and its idempotency keys answer', async () => {
    const event = apiGatewayV2Event({
      method: 'GET',
      path: '/readyz',
      routeKey: 'GET /readyz',
      headers: {},
      now: new Date(),
    });
    const run = await runBundle(world.dirs.ingest, { node: world.node, env: world.env.ingest, event });
    expect(run.error).toBeUndefined();
    const response = run.result as { statusCode: number; body: string };
    expect(response.statusCode, response.body).toBe(200);
    expect(JSON.parse(response.body).checks).toEqual({ queue: 'ok', idempotency: 'ok' });
  });

  it('deliver takes an SQS batch from the event source mapping and calls Userflow', async () => {
    const envelope = buildEnvelope({
      source: 'portal',
      rule: 'bundle-test',
      eventId: 'evt_bundle_deliver',
      index: 0,
      receivedAt: new Date(),
      command: commandSchema.parse({
        type: 'upsert_user',
        user_id: 'usr_bundle_deliver',
        attributes: { plan: 'pro' },
      }),
    });
    const queue = createSqsQueue({ queueUrl: world.queue.url, client: world.sqs.clientConfig });
    await queue.send([envelopeMessage(envelope)]);
    const received = await queue.receive({ maxMessages: 10, waitSeconds: 1 });
    const event = buildSqsEvent(received, world.queue.arn);

    const run = await runBundle(world.dirs.deliver, { node: world.node, env: world.env.deliver, event });

    expect(run.node).toMatch(/^v24\./);
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ batchItemFailures: [] });
    expect(world.sandbox.store.getUser('usr_bundle_deliver')?.attributes).toMatchObject({ plan: 'pro' });
  });
});

describe('synthesized sync bundle', () => {
  it('carries the sync files where SYNC_FILES_DIR points, and the same files pre-read', () => {
    const shipped = readdirSync(join(root, 'syncs'))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    const syncsDir = join(world.dirs.sync, 'syncs');
    expect(readdirSync(syncsDir).sort()).toEqual([PRE_READ_FILE, ...shipped].sort());
    const preRead = JSON.parse(readFileSync(join(syncsDir, PRE_READ_FILE), 'utf8'));
    expect(preRead.files.map((f: { name: string }) => f.name)).toEqual(shipped);
    expect(world.env.sync.SYNC_FILES_DIR).toBe(syncsDir);
  });

  it('starts under Node 24 with its sync files and refuses an unknown sync by name', async () => {
    const run = await runBundle(world.dirs.sync, {
      node: world.node,
      env: world.env.sync,
      event: { sync: 'nope' },
    });
    expect(run.node).toMatch(/^v24\./);
    expect(run.error).toMatchObject({
      name: 'SyncError',
      message: expect.stringContaining('no sync file named'),
    });
  });
});

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
