// The app builder: settings from context and props, the synth-time rules gate, and cdk-nag over the result.
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { type BridgeAppOptions, buildBridgeApp } from '../../cdk/build-app.ts';
import { ConfigError } from '../../lib/errors.ts';
import { loadRules } from '../../lib/rules/index.ts';
import { FIXTURE_HANDLER, PROJECT_ROOT } from './helpers/stack.ts';

const VALID_RULES = `${PROJECT_ROOT}test/cdk/fixtures/rules-valid`;
const INVALID_RULES = `${PROJECT_ROOT}test/cdk/fixtures/rules-invalid`;
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
/** Every optional part switched on: the alarm topic and the sync path. */
const EVERYTHING = {
  alarmEmail: 'oncall@example.com',
  syncDir: `${PROJECT_ROOT}test/cdk/fixtures/syncs-valid`,
};

function build(context: Record<string, unknown> = {}, options: BridgeAppOptions = {}) {
  return buildBridgeApp({
    app: new App({ context: { ...NO_BUNDLING, rulesDir: VALID_RULES, ...context } }),
    projectRoot: PROJECT_ROOT,
    entries: { ingest: FIXTURE_HANDLER, deliver: FIXTURE_HANDLER },
    ...options,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('buildBridgeApp', () => {
  it('takes settings from CDK context, as `cdk synth -c key=value` gives them', async () => {
    const { stack } = await build({ environmentName: 'staging', maxConcurrency: '5' });
    expect(stack.stackName).toBe('UserflowBridge-staging');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('lets props win over context', async () => {
    const { stack } = await build(
      { maxConcurrency: '5' },
      { config: { maxConcurrency: 9, userflowRateLimit: 90 } },
    );
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 9 },
    });
  });

  it('fails before building anything, naming every bad setting at once', async () => {
    const error = await rejection(build({ userflowRegion: 'ap', throttlingRateLimit: '-1' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['userflowRegion', 'throttlingRateLimit']),
    );
  });

  it("fails on an invalid rule file with the rules checker's own message", async () => {
    const checker = await rejection(loadRules(INVALID_RULES));
    const error = await rejection(build({ rulesDir: INVALID_RULES }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe((checker as Error).message);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the full stack (alarm topic and sync path included)', async () => {
    const { app } = await build(EVERYTHING, { nag: false });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.locations)}`,
    );
    expect(findings).toEqual([]);
  });

  it('synthesizes with the plugin and CloudFormation validation on', async () => {
    const { app } = await build(EVERYTHING);
    expect(() => app.synth()).not.toThrow();
  });

  it('runs as a synth-time plugin, so a new finding fails the synth', async () => {
    const { app, stack } = await build();
    new Queue(stack, 'QueueWithoutDlq');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  it('gives a reason with every acknowledgement', async () => {
    const { app } = await build(EVERYTHING, { nag: false });
    const acknowledgements = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) expect(reason.length, id).toBeGreaterThan(40);
  });
});
