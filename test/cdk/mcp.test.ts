// The agent tools' stack resources: the MCP function may read the principals table, send to the queue, peek at
// the DLQs and read the Userflow key and its own confirmation secret, and nothing else; POST /mcp has a throttle
// of its own.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BridgeStack } from '../../cdk/bridge-stack.ts';
import { parseBridgeConfig } from '../../cdk/config.ts';
import { type AccessQuestion, canPerform, type Resources } from './helpers/iam-eval.ts';
import { FIXTURE_HANDLER, logicalId, PROJECT_ROOT } from './helpers/stack.ts';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new BridgeStack(app, 'Test', {
  config: parseBridgeConfig({ alarmEmail: 'oncall@example.com' }, { withSync: false }),
  projectRoot: PROJECT_ROOT,
  entries: { ingest: FIXTURE_HANDLER, deliver: FIXTURE_HANDLER, mcp: FIXTURE_HANDLER },
  ruleFiles: [],
  sources: [],
});
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Resources;
const built = { app, stack, template };
const mcp = stack.mcp as NonNullable<typeof stack.mcp>;

const id = (construct: { node: { defaultChild?: unknown } }) => logicalId(built, construct);
const mcpRole = id(mcp.fn.fn.role as never);
const principals = id(mcp.principals);
const arn = (target: string) => {
  const type = resources[target]?.Type;
  if (type === 'AWS::SecretsManager::Secret') {
    return `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${resources[target]?.Properties?.Name}-AbCdEf`;
  }
  if (type === 'AWS::DynamoDB::Table') return `arn:aws:dynamodb:eu-west-1:123456789012:table/${target}`;
  return `arn:aws:sqs:eu-west-1:123456789012:${target}.fifo`;
};
const can = (roleId: string, action: string, targetId: string) =>
  canPerform(resources, { roleId, action, targetId, targetArn: arn(targetId) } satisfies AccessQuestion);
const envOf = (fn: { fn: { node: { defaultChild?: unknown } } }) => variablesOf(resources, id(fn.fn));

function variablesOf(all: Resources, fnId: string): Record<string, unknown> {
  const environment = all[fnId]?.Properties?.Environment as
    | { Variables?: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
}

describe('the MCP function role', () => {
  it('can read the principals table but not change it', () => {
    expect(can(mcpRole, 'dynamodb:Scan', principals)).toBe(true);
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
      expect(can(mcpRole, action, principals), action).toBe(false);
    }
  });

  it('can send to the command queue, not consume it', () => {
    expect(can(mcpRole, 'sqs:SendMessage', id(stack.queues.queue))).toBe(true);
    expect(can(mcpRole, 'sqs:ReceiveMessage', id(stack.queues.queue))).toBe(false);
    expect(can(mcpRole, 'sqs:DeleteMessage', id(stack.queues.queue))).toBe(false);
  });

  it('can peek at the DLQ for bridge_dlq_list (receive, release, count) but not delete, send or redrive', () => {
    const dlq = id(stack.queues.dlq);
    for (const action of ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes']) {
      expect(can(mcpRole, action, dlq), action).toBe(true);
    }
    for (const action of [
      'sqs:DeleteMessage',
      'sqs:SendMessage',
      'sqs:StartMessageMoveTask',
      'sqs:PurgeQueue',
    ]) {
      expect(can(mcpRole, action, dlq), action).toBe(false);
    }
    expect(envOf(mcp.fn).DLQ_URL).toEqual({ Ref: dlq });
  });

  it('reads the Userflow API key and its own confirmation secret, and no other secret or table', () => {
    expect(can(mcpRole, 'secretsmanager:GetSecretValue', id(stack.userflowApiKey))).toBe(true);
    expect(can(mcpRole, 'secretsmanager:GetSecretValue', id(mcp.confirmSecret))).toBe(true);
    expect(can(mcpRole, 'secretsmanager:GetSecretValue', id(stack.webhookSecrets))).toBe(false);
    expect(can(mcpRole, 'dynamodb:GetItem', id(stack.idempotencyTable))).toBe(false);
  });

  it('signs confirmations with a secret the stack generates, apart from the Userflow key, that no other role reads', () => {
    const secret = resources[id(mcp.confirmSecret)]?.Properties as Record<string, unknown>;
    expect(secret.GenerateSecretString).toMatchObject({ GenerateStringKey: 'MCP_CONFIRM_SECRET' });
    expect(envOf(mcp.fn).MCP_CONFIRM_SECRET_ID).toEqual({ Ref: id(mcp.confirmSecret) });
    for (const fn of [stack.ingest, stack.deliver]) {
      expect(can(id(fn.fn.role as never), 'secretsmanager:GetSecretValue', id(mcp.confirmSecret))).toBe(
        false,
      );
    }
  });

  it('runs bridge_test_rule on the rule files bundled beside it', () => {
    expect(envOf(mcp.fn).RULES_DIR).toBe('/var/task/rules');
  });

  it('writes its audit records to the trail under the attempts prefix, and may read the trail back', () => {
    const trail = id(stack.trail.table as never);
    expect(can(mcpRole, 'dynamodb:PutItem', trail)).toBe(true);
    expect(can(mcpRole, 'dynamodb:Query', trail)).toBe(true);
    expect(can(mcpRole, 'dynamodb:DeleteItem', trail)).toBe(false);
  });

  it("leases from the stack's budget table for its reads, with the deliver functions' ceiling, and nothing more", () => {
    const budget = id(stack.budgetTable);
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem']) {
      expect(can(mcpRole, action, budget), action).toBe(true);
    }
    for (const action of ['dynamodb:DeleteItem', 'dynamodb:Scan', 'dynamodb:UpdateItem']) {
      expect(can(mcpRole, action, budget), action).toBe(false);
    }
    expect(envOf(mcp.fn).BUDGET_TABLE).toEqual({ Ref: budget });
    expect(envOf(mcp.fn).USERFLOW_RATE_LIMIT).toBe(envOf(stack.deliver).USERFLOW_RATE_LIMIT);
    expect(envOf(mcp.fn).BUDGET_SYNC_SHARE).toBe(envOf(stack.deliver).BUDGET_SYNC_SHARE);
  });

  it('is the only role that may read principals', () => {
    for (const fn of [stack.ingest, stack.deliver]) {
      expect(can(id(fn.fn.role as never), 'dynamodb:Scan', principals)).toBe(false);
    }
  });
});

describe('with a sync path', () => {
  it('peeks at the sync DLQ too (bridge_dlq_list {"queue":"sync"}), still without delete', () => {
    const withSync = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const synced = new BridgeStack(withSync, 'Test', {
      config: parseBridgeConfig({}, { withSync: true }),
      projectRoot: PROJECT_ROOT,
      entries: {
        ingest: FIXTURE_HANDLER,
        deliver: FIXTURE_HANDLER,
        sync: FIXTURE_HANDLER,
        mcp: FIXTURE_HANDLER,
      },
      ruleFiles: [],
      sources: [],
      syncFiles: [{ name: 'app', path: `${PROJECT_ROOT}test/cdk/fixtures/syncs-valid/app.yaml` }],
    });
    const all = Template.fromStack(synced).toJSON().Resources as Resources;
    const builtSync = { app: withSync, stack: synced, template: Template.fromStack(synced) };
    const syncMcp = synced.mcp as NonNullable<typeof synced.mcp>;
    const syncDlq = logicalId(
      builtSync,
      (synced.sync as NonNullable<typeof synced.sync>).pipeline.queues.dlq,
    );
    const role = logicalId(builtSync, syncMcp.fn.fn.role as never);
    const ask = (action: string) =>
      canPerform(all, { roleId: role, action, targetId: syncDlq, targetArn: arn(syncDlq) });
    expect(ask('sqs:ReceiveMessage')).toBe(true);
    expect(ask('sqs:DeleteMessage')).toBe(false);
    const variables = variablesOf(all, logicalId(builtSync, syncMcp.fn.fn));
    expect(variables.SYNC_DLQ_URL).toEqual({ Ref: syncDlq });
  });
});

describe('POST /mcp', () => {
  it('is a route of the same HTTP API, with its own throttle on the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /mcp' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: { 'POST /mcp': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 } },
    });
  });

  it('the principals table survives the stack and can be restored', () => {
    const table = resources[principals] as { DeletionPolicy?: string; Properties?: Record<string, unknown> };
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });
});
