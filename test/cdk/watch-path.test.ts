// The watch path construct: a schedule per watch file with its own rate, the function's env and narrow grants.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { WatchPath } from '../../cdk/watch-path.ts';
import { FIXTURE_HANDLER, PROJECT_ROOT } from './helpers/stack.ts';

function build() {
  const stack = new Stack(new App(), 'WatchTest');
  const path = new WatchPath(stack, 'Watches', {
    environmentName: 'test',
    watchEntry: FIXTURE_HANDLER,
    watchFiles: [
      { name: 'hourly', path: `${PROJECT_ROOT}watches/example.yaml`, schedule: 'rate(1 hour)' },
      { name: 'daily', path: `${PROJECT_ROOT}watches/example.yaml`, schedule: 'rate(1 day)' },
    ],
    projectRoot: PROJECT_ROOT,
    logRetention: RetentionDays.ONE_WEEK,
    userflowApiKey: new Secret(stack, 'Key'),
    userflowRegion: 'eu',
  });
  return { stack, path, template: Template.fromStack(stack) };
}

const { stack, path, template } = build();

describe('WatchPath', () => {
  it('schedules each watch file at its own rate, sending its name', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map(
      (r) => r.Properties,
    );
    expect(schedules.map((s) => [s.ScheduleExpression, JSON.parse(s.Target.Input)]).sort()).toEqual(
      [
        ['rate(1 day)', { watch: 'daily' }],
        ['rate(1 hour)', { watch: 'hourly' }],
      ].sort(),
    );
    expect(schedules.every((s) => s.Target.RetryPolicy.MaximumRetryAttempts === 2)).toBe(true);
  });

  it('gives the function its table, secrets and files, and item access only to its own table', () => {
    const fnId = stack.getLogicalId(path.watchFunction.fn.node.defaultChild as never);
    const env = template.toJSON().Resources[fnId].Properties.Environment.Variables;
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        'WATCH_STATE_TABLE',
        'WATCH_SECRETS_ID',
        'USERFLOW_API_KEY_SECRET_ID',
        'WATCH_FILES_DIR',
      ]),
    );
    expect(env.WATCH_FILES_DIR).toBe('/var/task/watches');
    const tableId = stack.getLogicalId(path.stateTable.node.defaultChild as never);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const dynamo = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0].Resource).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    expect([dynamo[0].Action].flat()).not.toContain('dynamodb:Scan');
  });

  it('keeps the state table when the stack goes (losing it would alert everyone again)', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });
});

describe('BridgeStack with watchDir', () => {
  it('adds the watch path only when watch files are deployed, and passes cdk-nag', async () => {
    const { buildBridgeApp } = await import('../../cdk/build-app.ts');
    const { Annotations, Match } = await import('aws-cdk-lib/assertions');
    const build = (context: Record<string, unknown>) =>
      buildBridgeApp({
        app: new App({
          context: {
            'aws:cdk:bundling-stacks': [],
            rulesDir: `${PROJECT_ROOT}test/cdk/fixtures/rules-valid`,
            ...context,
          },
        }),
        projectRoot: PROJECT_ROOT,
        entries: { ingest: FIXTURE_HANDLER, deliver: FIXTURE_HANDLER, watch: FIXTURE_HANDLER },
      });
    const without = await build({});
    expect(without.stack.watches).toBeUndefined();
    const withWatches = await build({ watchDir: 'watches' });
    expect(withWatches.stack.watches?.schedules).toHaveLength(1);
    const errors = Annotations.fromStack(withWatches.stack).findError(
      '*',
      Match.stringLikeRegexp('AwsSolutions-.*'),
    );
    expect(errors.map((e) => `${e.id}: ${JSON.stringify(e.entry.data)}`)).toEqual([]);

    // A run's reads lease from the one budget table, under the deliver functions' ceiling and sync share.
    const { stack: bridge } = withWatches;
    const resources = Template.fromStack(bridge).toJSON().Resources;
    const idOf = (c: { node: { defaultChild?: unknown } }) =>
      bridge.getLogicalId(c.node.defaultChild as never);
    const variables = (fnId: string) => resources[fnId].Properties.Environment.Variables;
    const watchFn = (bridge.watches as NonNullable<typeof bridge.watches>).watchFunction.fn;
    const env = variables(idOf(watchFn));
    expect(env.BUDGET_TABLE).toEqual({ Ref: idOf(bridge.budgetTable) });
    expect(env.USERFLOW_RATE_LIMIT).toBe(variables(idOf(bridge.deliver.fn)).USERFLOW_RATE_LIMIT);
    const roleId = idOf(watchFn.role as never);
    const budgetActions = Object.values(resources)
      .filter((r) => (r as { Type: string }).Type === 'AWS::IAM::Policy')
      .filter((r) =>
        JSON.stringify((r as { Properties: { Roles: unknown } }).Properties.Roles).includes(roleId),
      )
      .flatMap(
        (r) =>
          (
            r as {
              Properties: {
                PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] };
              };
            }
          ).Properties.PolicyDocument.Statement,
      )
      .filter((st) => JSON.stringify(st.Resource).includes(idOf(bridge.budgetTable)))
      .flatMap((st) => [st.Action].flat());
    expect(budgetActions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
  });
});
