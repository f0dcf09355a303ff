// The agent tools' stack resources: the MCP function may read the principals table and send to the queue (and
// read the Userflow key it reads with), and nothing else; POST /mcp has a throttle of its own.
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

describe('the MCP function role', () => {
  it('can read the principals table but not change it', () => {
    expect(can(mcpRole, 'dynamodb:Scan', principals)).toBe(true);
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
      expect(can(mcpRole, action, principals), action).toBe(false);
    }
  });

  it('can send to the command queue, not consume it, and cannot touch the DLQ', () => {
    expect(can(mcpRole, 'sqs:SendMessage', id(stack.queues.queue))).toBe(true);
    expect(can(mcpRole, 'sqs:ReceiveMessage', id(stack.queues.queue))).toBe(false);
    expect(can(mcpRole, 'sqs:SendMessage', id(stack.queues.dlq))).toBe(false);
  });

  it('can read the Userflow API key and nothing else of the stack', () => {
    expect(can(mcpRole, 'secretsmanager:GetSecretValue', id(stack.userflowApiKey))).toBe(true);
    expect(can(mcpRole, 'secretsmanager:GetSecretValue', id(stack.webhookSecrets))).toBe(false);
    expect(can(mcpRole, 'dynamodb:GetItem', id(stack.idempotencyTable))).toBe(false);
  });

  it('writes its audit records to the trail under the attempts prefix, and may read the trail back', () => {
    const trail = id(stack.trail.table as never);
    expect(can(mcpRole, 'dynamodb:PutItem', trail)).toBe(true);
    expect(can(mcpRole, 'dynamodb:Query', trail)).toBe(true);
    expect(can(mcpRole, 'dynamodb:DeleteItem', trail)).toBe(false);
  });

  it('is the only role that may read principals', () => {
    for (const fn of [stack.ingest, stack.deliver]) {
      expect(can(id(fn.fn.role as never), 'dynamodb:Scan', principals)).toBe(false);
    }
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
