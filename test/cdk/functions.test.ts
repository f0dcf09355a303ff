// Template tests of the house function construct as used for ingest and deliver.
import { describe, expect, it } from 'vitest';
import { buildStack, logicalId, resourcesOf } from './helpers/stack.ts';

const built = buildStack({
  logRetentionDays: 90,
  userflowRegion: 'eu',
  userflowRateLimit: 40,
  maxConcurrency: 4,
});
const { stack } = built;
const resources = resourcesOf(built);
const functions = { ingest: stack.ingest, deliver: stack.deliver };
const props = (construct: { node: { defaultChild?: unknown } }) =>
  resources[logicalId(built, construct)]?.Properties ?? {};

describe.each(Object.entries(functions))('%s function', (_name, fn) => {
  const lambda = props(fn.fn);

  it('runs on Node.js 24 on arm64', () => {
    expect(lambda.Runtime).toBe('nodejs24.x');
    expect(lambda.Architectures).toEqual(['arm64']);
  });

  it('logs JSON into its own log group, kept for the configured retention', () => {
    expect(lambda.LoggingConfig.LogFormat).toBe('JSON');
    const groupId = lambda.LoggingConfig.LogGroup.Ref as string;
    expect(resources[groupId]?.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[groupId]?.Properties.RetentionInDays).toBe(90);
  });

  it('has an execution role without AWS managed policies', () => {
    const roleId = lambda.Role['Fn::GetAtt'][0] as string;
    expect(resources[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('maps stack traces to the TypeScript sources', () => {
    expect(lambda.Environment.Variables.NODE_OPTIONS).toContain('--enable-source-maps');
  });
});

describe('function settings', () => {
  it('ingest is told where the queue, secrets, idempotency table and bundled rules are', () => {
    const env = props(stack.ingest.fn).Environment.Variables;
    expect(env.QUEUE_URL).toEqual({ Ref: logicalId(built, stack.queues.queue) });
    expect(env.WEBHOOK_SECRETS_ID).toEqual({ Ref: logicalId(built, stack.webhookSecrets) });
    expect(env.IDEMPOTENCY_TABLE).toEqual({ Ref: logicalId(built, stack.idempotencyTable) });
    expect(env.RULES_DIR).toBe('/var/task/rules');
  });

  it('deliver is told its queues, Userflow key, region and its share of the rate', () => {
    const env = props(stack.deliver.fn).Environment.Variables;
    expect(env.QUEUE_URL).toEqual({ Ref: logicalId(built, stack.queues.queue) });
    expect(env.DLQ_URL).toEqual({ Ref: logicalId(built, stack.queues.dlq) });
    expect(env.USERFLOW_API_KEY_SECRET_ID).toEqual({ Ref: logicalId(built, stack.userflowApiKey) });
    expect(env).toMatchObject({
      USERFLOW_REGION: 'eu',
      USERFLOW_RATE_LIMIT: '40',
      MAX_CONCURRENCY: '4',
      POWERTOOLS_METRICS_NAMESPACE: 'UserflowBridge',
    });
    expect(env.IDEMPOTENCY_TABLE).toEqual({ Ref: logicalId(built, stack.idempotencyTable) });
  });

  it('deliver tells Powertools the same concurrency the event source mapping enforces', () => {
    const env = props(stack.deliver.fn).Environment.Variables;
    const mapping = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(Number(env.MAX_CONCURRENCY)).toBe(mapping?.Properties.ScalingConfig.MaximumConcurrency);
  });

  it('the idempotency table has the layout Powertools expects, on demand, with PITR', () => {
    expect(props(stack.idempotencyTable)).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});
