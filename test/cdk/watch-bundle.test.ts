// The watch function's real bundle from `cdk synth -c watchDir=watches`, run on Node 24 against the Userflow
// sandbox (demo data), dynalite and a loopback Secrets Manager, alerting a local Slack-compatible receiver.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeStack } from '../../cdk/bridge-stack.ts';
import { buildBridgeApp } from '../../cdk/build-app.ts';
import { BUDGET_TABLE_KEY } from '../../lib/budget/dynamodb-lease-store.ts';
import { PRE_READ_FILE } from '../../lib/pre-read-files.ts';
import type { RunningSandbox } from '../../lib/sandbox/index.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../helpers/dynamodb-emulator.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager.ts';
import { startSandbox } from '../helpers/sandbox.ts';
import { type Receiver, startReceiver } from '../integration/watch/receiver.ts';
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
const outdir = mkdtempSync(join(root, 'cdk.out', 'watch-bundle-test-'));

let node: string;
let stack: BridgeStack;
let sandbox: RunningSandbox;
let sm: FakeSecretsManager;
let ddb: DynamoDbEmulator;
let slack: Receiver;
let dir: string;
let env: Record<string, string>;
let functionTimeoutSeconds: number;

beforeAll(async () => {
  const app = new App({ outdir });
  ({ stack } = await buildBridgeApp({ app, nag: false, config: { watchDir: 'watches' } }));
  const watches = stack.watches;
  if (!watches) throw new Error('expected the watch path');
  app.synth();
  [node, sandbox, sm, ddb, slack] = await Promise.all([
    node24Binary(),
    startSandbox({ profile: 'strict' }),
    startFakeSecretsManager(),
    startDynamoDbEmulator(),
    startReceiver(),
  ]);
  const template = JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8'));
  const id = (c: { node: { defaultChild?: unknown } }) =>
    stack.resolve(stack.getLogicalId(c.node.defaultChild as never)) as string;
  const nameOf = (c: { node: { defaultChild?: unknown } }) =>
    template.Resources[id(c)].Properties.Name as string;
  sm.put(nameOf(stack.userflowApiKey), sandbox.apiKey);
  sm.put(nameOf(watches.alertSecrets), JSON.stringify({ SLACK_WEBHOOK_URL: slack.url }));
  // Each table with the keys the template declares, so a function that disagrees with its table fails here.
  const tables = {
    'watch-state': id(watches.stateTable),
    trail: id(stack.trail.table),
    budget: id(stack.budgetTable),
  };
  for (const [table, logicalId] of Object.entries(tables)) {
    await ddb.createDeclaredTable(table, template.Resources[logicalId].Properties);
  }
  dir = assetDirOf(outdir, stack, watches.watchFunction.fn);
  functionTimeoutSeconds =
    synthesizedFunction(outdir, stack, watches.watchFunction.fn).Properties.Timeout ?? 30;
  env = {
    ...lambdaEnvironment(synthesizedFunction(outdir, stack, watches.watchFunction.fn), dir, {
      [tables['watch-state']]: 'watch-state',
      [tables.trail]: 'trail',
      [tables.budget]: 'budget',
      [id(watches.alertSecrets)]: sm.arnOf(nameOf(watches.alertSecrets)),
      [id(stack.userflowApiKey)]: sm.arnOf(nameOf(stack.userflowApiKey)),
    }),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // The one setting the stack does not make: Userflow's address is the sandbox here.
    USERFLOW_API_URL: sandbox.url,
  };
}, 600_000);

afterAll(async () => {
  await Promise.allSettled([sandbox?.close(), sm?.close(), ddb?.close(), slack?.close()]);
  rmSync(outdir, { recursive: true, force: true });
});

describe('the watch bundle on Node 24', () => {
  it('carries its watch files pre-read, and not the YAML parser', () => {
    const shipped = readdirSync(join(root, 'watches'))
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    expect(readdirSync(join(dir, 'watches')).sort()).toEqual([PRE_READ_FILE, ...shipped].sort());
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).not.toContain('yaml.document');
  });

  it('runs the shipped example as the scheduler invokes it: one alert, then none', async () => {
    const event = { watch: 'getting-started-stalled' };
    const first = await runBundle(dir, { node, env, functionTimeoutSeconds, event });
    expect(first.error).toBeUndefined();
    expect(first.node).toMatch(/^v24\./);
    expect(first.result).toMatchObject({ stalled: 1, sent: 1 });
    // Its reads took their turn in the stack's one budget, as the watch class.
    const { Item } = await ddb.client.send(
      new GetItemCommand({ TableName: 'budget', Key: { [BUDGET_TABLE_KEY]: { S: 'userflow' } } }),
    );
    expect(Object.keys(JSON.parse(Item?.state?.S ?? '{}').classes ?? {})).toEqual(['watch']);
    const second = await runBundle(dir, { node, env, functionTimeoutSeconds, event });
    expect(second.result).toMatchObject({ already_alerted: 1, sent: 0 });
    const [message] = slack.delivered() as { text: string }[];
    expect(slack.received).toHaveLength(1);
    expect(message?.text).toBe('Dana Whitfield has done 2/3 tasks; stuck at “Create your first report”');
  }, 120_000);
});
