// Cold start: bundle size and module-init time (fresh Node 24 process) of each function vs a bare Hono handler
// bundled by the same house construct; also the same functions with AWS SDK v3 bundled instead of left to the runtime.
// The MCP function reads the Userflow key and its confirmation secret at init, so a loopback Secrets Manager
// answers them (real calls, locally).
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BridgeFunction } from '../cdk/bridge-function.ts';
import { buildBridgeApp, PROJECT_ROOT } from '../cdk/build-app.ts';
import { checkedRuleFiles, ingestRuleBundle } from '../cdk/rule-files.ts';
import {
  assetDirOf,
  lambdaEnvironment,
  node24Binary,
  runBundle,
  synthesizedFunction,
} from '../test/cdk/helpers/lambda-bundles.ts';
import { startFakeSecretsManager } from '../test/helpers/fake-secrets-manager.ts';
import { percentile, report, round } from './report.ts';

const BENCH = 'cold-start';
const ROUNDS = Number(process.env.COLD_START_ROUNDS ?? 9);
const outdir = join(PROJECT_ROOT, 'cdk.out', 'bench-cold-start');
rmSync(outdir, { recursive: true, force: true });

const app = new App({ outdir });
// The shipped example sync and watch files switch those paths on, so their functions are measured too.
const { stack } = await buildBridgeApp({
  app,
  nag: false,
  config: { syncDir: 'syncs', watchDir: 'watches' },
});
const baseline = new Stack(app, 'ColdStartBaseline');
const ruleFiles = await checkedRuleFiles(join(PROJECT_ROOT, 'rules'));
const common = { projectRoot: PROJECT_ROOT, logRetention: RetentionDays.ONE_DAY };
const bare = new BridgeFunction(baseline, 'BareHono', {
  ...common,
  entry: join(PROJECT_ROOT, 'test/cdk/fixtures/bare-hono.ts'),
  description: 'cold-start baseline',
  serviceName: 'bare',
});
const withSdk = {
  ingest: new BridgeFunction(baseline, 'IngestSdkBundled', {
    ...common,
    entry: join(PROJECT_ROOT, 'functions/ingest.ts'),
    description: 'ingest with AWS SDK bundled',
    serviceName: 'ingest',
    bundleAwsSdk: true,
    bundledFiles: ingestRuleBundle(ruleFiles),
  }),
  deliver: new BridgeFunction(baseline, 'DeliverSdkBundled', {
    ...common,
    entry: join(PROJECT_ROOT, 'functions/deliver.ts'),
    description: 'deliver with AWS SDK bundled',
    serviceName: 'deliver',
    bundleAwsSdk: true,
  }),
};
app.synth();

// Every resource reference gets a harmless local stand-in; the endpoints point at a closed port, so an init that
// tried to reach AWS would fail fast instead of measuring the network.
const template = JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8')) as {
  Resources: Record<string, { Type: string }>;
};
const refs = Object.fromEntries(
  Object.entries(template.Resources).map(([id, r]) => [
    id,
    r.Type === 'AWS::SQS::Queue' ? `http://127.0.0.1:9/123456789012/${id}.fifo` : id,
  ]),
);
const sm = await startFakeSecretsManager();
const keyId = stack.resolve(stack.getLogicalId(stack.userflowApiKey.node.defaultChild as never)) as string;
sm.put('userflow-api-key', 'uf_cold_start_bench');
refs[keyId] = sm.arnOf('userflow-api-key');
// The MCP function also reads its confirmation secret at init (the stack generates it; any value will do here).
if (stack.mcp) {
  const confirmId = stack.resolve(
    stack.getLogicalId(stack.mcp.confirmSecret.node.defaultChild as never),
  ) as string;
  sm.put('mcp-confirm', JSON.stringify({ MCP_CONFIRM_SECRET: `${'b'.repeat(24)}cold` }));
  refs[confirmId] = sm.arnOf('mcp-confirm');
}
const closed = {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

interface Candidate {
  name: string;
  dir: string;
  env: Record<string, string>;
  initMs: number[];
}
/** `envOf`: whose variables to use (the SDK-bundled variants borrow those of the real functions). */
function candidate(
  name: string,
  owner: Stack,
  fn: BridgeFunction,
  envOf: [Stack, BridgeFunction],
): Candidate {
  const dir = assetDirOf(outdir, owner, fn.fn);
  const env = lambdaEnvironment(synthesizedFunction(outdir, envOf[0], envOf[1].fn), dir, refs);
  return { name, dir, env: { ...env, ...closed }, initMs: [] };
}
const candidates = [
  candidate('bare-hono', baseline, bare, [baseline, bare]),
  candidate('ingest', stack, stack.ingest, [stack, stack.ingest]),
  candidate('deliver', stack, stack.deliver, [stack, stack.deliver]),
  ...(stack.sync
    ? [candidate('sync', stack, stack.sync.syncFunction, [stack, stack.sync.syncFunction])]
    : []),
  ...(stack.mcp ? [candidate('mcp', stack, stack.mcp.fn, [stack, stack.mcp.fn])] : []),
  ...(stack.watches
    ? [candidate('watch', stack, stack.watches.watchFunction, [stack, stack.watches.watchFunction])]
    : []),
  candidate('ingest-sdk-bundled', baseline, withSdk.ingest, [stack, stack.ingest]),
  candidate('deliver-sdk-bundled', baseline, withSdk.deliver, [stack, stack.deliver]),
];
// The same bundles without NODE_OPTIONS=--enable-source-maps: what readable stack traces cost at init.
for (const name of ['ingest', 'deliver']) {
  const c = candidates.find((x) => x.name === name);
  if (!c) continue;
  const { NODE_OPTIONS: _, ...env } = c.env;
  candidates.push({ name: `${name}-without-source-maps`, dir: c.dir, env, initMs: [] });
}

// COLD_START_PROFILE=<dir>: each run also writes a V8 CPU profile of its init under <dir>/<function>/.
const profile = process.env.COLD_START_PROFILE;
if (profile) {
  for (const c of candidates) {
    const flags = `--cpu-prof --cpu-prof-dir=${join(profile, c.name)}`;
    c.env = { ...c.env, NODE_OPTIONS: c.env.NODE_OPTIONS ? `${c.env.NODE_OPTIONS} ${flags}` : flags };
  }
}

const node = await node24Binary();
// Interleaved rounds, so drift on a shared machine hits every candidate alike.
for (let i = 0; i < ROUNDS; i++) {
  for (const c of candidates) {
    const run = await runBundle(c.dir, { node, env: c.env });
    c.initMs.push(run.initMs);
  }
}

await sm.close();

const bytes = (dir: string) => statSync(join(dir, 'index.mjs')).size;
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const [base, ...rest] = candidates;
if (!base) throw new Error('no baseline');
const baseBytes = bytes(base.dir);
const baseInit = median(base.initMs);
report(BENCH, {
  function: base.name,
  node: (await runBundle(base.dir, { node, env: base.env })).node,
  rounds: ROUNDS,
  bundle_kib: round(baseBytes / 1024, 1),
  init_ms_median: round(baseInit, 1),
});
for (const c of rest) {
  const size = bytes(c.dir);
  const init = median(c.initMs);
  report(BENCH, {
    function: c.name,
    bundle_kib: round(size / 1024, 1),
    bundle_ratio: round(size / baseBytes, 2),
    init_ms_median: round(init, 1),
    init_ratio: round(init / baseInit, 2),
  });
}
