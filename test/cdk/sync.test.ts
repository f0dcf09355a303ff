// The database-sync path: added only when sync files exist, with its own queue and a share of the Userflow rate.
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildBridgeApp } from '../../cdk/build-app.ts';
import { ConfigError } from '../../lib/errors.ts';
import { loadSyncFiles } from '../../lib/sync/sync-files.ts';
import { canPerform, type Resources } from './helpers/iam-eval.ts';
import { buildStack, FIXTURE_HANDLER, logicalId, PROJECT_ROOT, resourcesOf } from './helpers/stack.ts';

const SYNC_FIXTURES = `${PROJECT_ROOT}test/cdk/fixtures`;
const withSync = buildStack({ userflowRateLimit: 20, syncRateShare: 0.25 }, [
  { name: 'app', path: `${SYNC_FIXTURES}/syncs-valid/app.yaml` },
]);
const withoutSync = buildStack({ userflowRateLimit: 20, syncRateShare: 0.25 });
const resources = resourcesOf(withSync);
const sync = withSync.stack.sync;
if (!sync) throw new Error('expected a sync path');
const envOf = (built: typeof withSync, fn: { node: { defaultChild?: unknown } }) =>
  resourcesOf(built)[logicalId(built, fn)]?.Properties.Environment.Variables;

describe('sync path', () => {
  it('is absent without sync files, and webhooks get the whole rate', () => {
    expect(withoutSync.stack.sync).toBeUndefined();
    expect(envOf(withoutSync, withoutSync.stack.deliver.fn).USERFLOW_RATE_LIMIT).toBe('20');
  });

  it('shares one budget: both paths lease from the same table under the whole limit, sync keeping its share', () => {
    const live = envOf(withSync, withSync.stack.deliver.fn);
    const syncEnv = envOf(withSync, sync.pipeline.deliver.fn);
    expect(live.BUDGET_TABLE).toEqual({ Ref: logicalId(withSync, withSync.stack.budgetTable) });
    expect(syncEnv.BUDGET_TABLE).toEqual(live.BUDGET_TABLE);
    expect([live.BUDGET_CLASS, syncEnv.BUDGET_CLASS]).toEqual(['live', 'sync']);
    expect([live.USERFLOW_RATE_LIMIT, syncEnv.USERFLOW_RATE_LIMIT]).toEqual(['20', '20']);
    // Every participant must compute the same allocation, so the share is on both.
    expect([live.BUDGET_SYNC_SHARE, syncEnv.BUDGET_SYNC_SHARE]).toEqual(['0.25', '0.25']);
  });

  it('has its own FIFO queue, redriving to its own DLQ, consumed by its own deliver', () => {
    const queue = resources[logicalId(withSync, sync.pipeline.queues.queue)]?.Properties;
    expect(queue?.FifoQueue).toBe(true);
    expect(queue?.RedrivePolicy.deadLetterTargetArn).toEqual({
      'Fn::GetAtt': [logicalId(withSync, sync.pipeline.queues.dlq), 'Arn'],
    });
    expect(logicalId(withSync, sync.pipeline.queues.queue)).not.toBe(
      logicalId(withSync, withSync.stack.queues.queue),
    );
    withSync.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(withSync, sync.pipeline.queues.queue), 'Arn'] },
      FunctionName: { Ref: logicalId(withSync, sync.pipeline.deliver.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('keeps sync state in a table with the layout the DynamoDB state store expects', () => {
    expect(resources[logicalId(withSync, sync.stateTable)]?.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
  });

  it('alarms on its own DLQ and on 401s under its own service name', () => {
    const alarm = resources[logicalId(withSync, sync.pipeline.alarms.userflowUnauthorized)]?.Properties;
    expect(alarm?.Dimensions).toEqual([
      { Name: 'service', Value: envOf(withSync, sync.pipeline.deliver.fn).POWERTOOLS_SERVICE_NAME },
    ]);
    const dlqAlarm = resources[logicalId(withSync, sync.pipeline.alarms.dlqNotEmpty)]?.Properties;
    expect(dlqAlarm?.Dimensions[0].Value).toEqual({
      'Fn::GetAtt': [logicalId(withSync, sync.pipeline.queues.dlq), 'QueueName'],
    });
  });

  it('keeps database URLs away from webhook code and webhook secrets away from sync delivery', () => {
    const roleOf = (fn: { role?: unknown }) => logicalId(withSync, fn.role as never);
    const secretArn = (id: string) =>
      `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${resources[id]?.Properties.Name}-AbCdEf`;
    const can = (roleId: string, targetId: string) =>
      canPerform(resources as Resources, {
        roleId,
        action: 'secretsmanager:GetSecretValue',
        targetId,
        targetArn: secretArn(targetId),
      });
    const connections = logicalId(withSync, sync.connections);
    expect(can(roleOf(withSync.stack.ingest.fn), connections)).toBe(false);
    expect(can(roleOf(withSync.stack.deliver.fn), connections)).toBe(false);
    expect(can(roleOf(sync.pipeline.deliver.fn), logicalId(withSync, withSync.stack.webhookSecrets))).toBe(
      false,
    );
    expect(can(roleOf(sync.pipeline.deliver.fn), logicalId(withSync, withSync.stack.userflowApiKey))).toBe(
      true,
    );
  });

  it('runs each sync file on its schedule, naming the sync in the event', () => {
    const schedule = Object.values(resources).find((r) => r.Type === 'AWS::Scheduler::Schedule')?.Properties;
    expect(schedule?.ScheduleExpression).toBe('rate(1 hour)');
    expect(schedule?.Target.Arn).toEqual({
      'Fn::GetAtt': [logicalId(withSync, sync.syncFunction.fn), 'Arn'],
    });
    expect(JSON.parse(schedule?.Target.Input)).toEqual({ sync: 'app' });
  });

  it('lets the sync function read the connection URLs and queue only on the sync path', () => {
    const role = logicalId(withSync, sync.syncFunction.fn.role as never);
    const arn = (id: string) =>
      `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${resources[id]?.Properties.Name}-AbCdEf`;
    const can = (action: string, targetId: string, targetArn: string) =>
      canPerform(resources as Resources, { roleId: role, action, targetId, targetArn });
    const connections = logicalId(withSync, sync.connections);
    const apiKey = logicalId(withSync, withSync.stack.userflowApiKey);
    const webhookSecrets = logicalId(withSync, withSync.stack.webhookSecrets);
    expect(can('secretsmanager:GetSecretValue', connections, arn(connections))).toBe(true);
    expect(can('secretsmanager:GetSecretValue', apiKey, arn(apiKey))).toBe(false);
    expect(can('secretsmanager:GetSecretValue', webhookSecrets, arn(webhookSecrets))).toBe(false);
    const queueArn = 'arn:aws:sqs:eu-west-1:123456789012:q.fifo';
    expect(can('sqs:SendMessage', logicalId(withSync, sync.pipeline.queues.queue), queueArn)).toBe(true);
    expect(can('sqs:SendMessage', logicalId(withSync, withSync.stack.queues.queue), queueArn)).toBe(false);
  });

  it('tells the sync function where its queue, state, secret and bundled files are', () => {
    const env = envOf(withSync, sync.syncFunction.fn);
    expect(env.SYNC_QUEUE_URL).toEqual({ Ref: logicalId(withSync, sync.pipeline.queues.queue) });
    expect(env.SYNC_STATE_TABLE).toEqual({ Ref: logicalId(withSync, sync.stateTable) });
    expect(env.SYNC_SECRETS_ID).toEqual({ Ref: logicalId(withSync, sync.connections) });
    expect(env.SYNC_FILES_DIR).toBe('/var/task/syncs');
  });
});

describe('sync files at synth', () => {
  const build = (syncDir: string | undefined, config = {}) =>
    buildBridgeApp({
      app: new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
      projectRoot: PROJECT_ROOT,
      entries: { ingest: FIXTURE_HANDLER, deliver: FIXTURE_HANDLER, sync: FIXTURE_HANDLER },
      config: { rulesDir: `${SYNC_FIXTURES}/rules-valid`, ...(syncDir ? { syncDir } : {}), ...config },
      nag: false,
    });

  it('add the sync path when a sync directory is configured', async () => {
    const { stack } = await build(`${SYNC_FIXTURES}/syncs-valid`);
    expect(stack.sync?.schedules.length).toBe(1);
  });

  it('leave the sync path out unless a sync directory is configured', async () => {
    const { stack } = await build(undefined);
    expect(stack.sync).toBeUndefined();
  });

  it("fail the synth on an invalid sync file with the checker's problems", async () => {
    const checker = await loadSyncFiles(`${SYNC_FIXTURES}/syncs-invalid`).catch((e: ConfigError) => e);
    const error = await build(`${SYNC_FIXTURES}/syncs-invalid`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual((checker as ConfigError).problems);
  });

  it('reject a sync share too small for its consumers, only when there is a sync path', async () => {
    const tiny = { userflowRateLimit: 4, syncRateShare: 0.1 };
    const error = await build(`${SYNC_FIXTURES}/syncs-valid`, tiny).catch((e: unknown) => e);
    expect((error as ConfigError).problems.join('\n')).toMatch(/^syncRateShare: /m);
    await expect(build(undefined, tiny)).resolves.toBeDefined();
  });
});
