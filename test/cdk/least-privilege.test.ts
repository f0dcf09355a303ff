// Least privilege, checked by evaluating the synthesized policies against each resource's logical id.

import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_PREFIXES } from '../../cdk/bridge-function.ts';
import { BridgeStack } from '../../cdk/bridge-stack.ts';
import { parseBridgeConfig } from '../../cdk/config.ts';
import { IDEMPOTENCY_KEY_PREFIX } from '../../lib/deliver/effectively-once.ts';
import { INGEST_KEY_PREFIX } from '../../lib/ingest/dedupe.ts';
import { TRAIL_WRITER_KEY_PREFIXES } from '../../lib/trail/dynamodb-layout.ts';
import { type AccessQuestion, canPerform, type Resources } from './helpers/iam-eval.ts';
import { buildStack, FIXTURE_HANDLER, logicalId, PROJECT_ROOT } from './helpers/stack.ts';

const built = buildStack({ alarmEmail: 'oncall@example.com' });
const { stack, template } = built;
const resources = template.toJSON().Resources as Resources;

const roleOf = (fn: typeof stack.ingest) => logicalId(built, fn.fn.role as never);
const ingestRole = roleOf(stack.ingest);
const deliverRole = roleOf(stack.deliver);
const webhookSecrets = logicalId(built, stack.webhookSecrets);
const userflowKey = logicalId(built, stack.userflowApiKey);
const queue = logicalId(built, stack.queues.queue);
const dlq = logicalId(built, stack.queues.dlq);
const idempotencyTable = logicalId(built, stack.idempotencyTable);
const trailTable = logicalId(built, stack.trail.table);

/** A concrete ARN the resource would get, so literal ARN patterns in a policy are matched too. */
function arnOf(id: string): string {
  const resource = resources[id];
  if (resource?.Type === 'AWS::SecretsManager::Secret') {
    return `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${resource.Properties?.Name}-AbCdEf`;
  }
  if (resource?.Type === 'AWS::DynamoDB::Table') return `arn:aws:dynamodb:eu-west-1:123456789012:table/${id}`;
  return `arn:aws:sqs:eu-west-1:123456789012:${id}.fifo`;
}
const can = (roleId: string, action: string, targetId: string) =>
  canPerform(resources, { roleId, action, targetId, targetArn: arnOf(targetId) } satisfies AccessQuestion);

describe('ingest role', () => {
  it('can read the webhook secrets', () => {
    expect(can(ingestRole, 'secretsmanager:GetSecretValue', webhookSecrets)).toBe(true);
  });

  it('cannot read the Userflow API key', () => {
    expect(can(ingestRole, 'secretsmanager:GetSecretValue', userflowKey)).toBe(false);
  });

  it('can send commands to the queue but not consume them', () => {
    expect(can(ingestRole, 'sqs:SendMessage', queue)).toBe(true);
    expect(can(ingestRole, 'sqs:ReceiveMessage', queue)).toBe(false);
  });

  it('can make the /readyz checks: the queue attributes and one idempotency item, nothing more', () => {
    expect(can(ingestRole, 'sqs:GetQueueAttributes', queue)).toBe(true);
    expect(can(ingestRole, 'dynamodb:GetItem', idempotencyTable)).toBe(true);
    expect(can(ingestRole, 'dynamodb:DescribeTable', idempotencyTable)).toBe(false);
    expect(can(ingestRole, 'sqs:GetQueueAttributes', dlq)).toBe(false);
  });

  it('can write the trail but not read it', () => {
    expect(can(ingestRole, 'dynamodb:PutItem', trailTable)).toBe(true);
    expect(can(ingestRole, 'dynamodb:BatchWriteItem', trailTable)).toBe(true);
    for (const action of ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:DeleteItem']) {
      expect(can(ingestRole, action, trailTable), action).toBe(false);
    }
  });
});

describe('deliver role', () => {
  it('can read the Userflow API key', () => {
    expect(can(deliverRole, 'secretsmanager:GetSecretValue', userflowKey)).toBe(true);
  });

  it('cannot read the webhook secrets', () => {
    expect(can(deliverRole, 'secretsmanager:GetSecretValue', webhookSecrets)).toBe(false);
  });

  it('can consume the queue, postpone a record, and send to the DLQ', () => {
    expect(can(deliverRole, 'sqs:ReceiveMessage', queue)).toBe(true);
    expect(can(deliverRole, 'sqs:ChangeMessageVisibility', queue)).toBe(true);
    expect(can(deliverRole, 'sqs:SendMessage', dlq)).toBe(true);
  });

  it('cannot enqueue new commands itself', () => {
    expect(can(deliverRole, 'sqs:SendMessage', queue)).toBe(false);
  });

  it('can write the trail but not read it', () => {
    expect(can(deliverRole, 'dynamodb:PutItem', trailTable)).toBe(true);
    expect(can(deliverRole, 'dynamodb:Query', trailTable)).toBe(false);
    expect(can(deliverRole, 'dynamodb:GetItem', trailTable)).toBe(false);
  });
});

describe('the trail table', () => {
  it('is written by ingest, the deliver functions and sync runs only: no other role may touch it', () => {
    const withSync = buildStack({}, [
      { name: 'app', path: `${PROJECT_ROOT}test/cdk/fixtures/syncs-valid/app.yaml` },
    ]);
    const sync = withSync.stack.sync;
    if (!sync) throw new Error('expected a sync path');
    const all = withSync.template.toJSON().Resources as Resources;
    const table = logicalId(withSync, withSync.stack.trail.table);
    const role = (fn: { fn: { role?: unknown } }) => logicalId(withSync, fn.fn.role as never);
    const writers = [
      withSync.stack.ingest,
      withSync.stack.deliver,
      sync.pipeline.deliver,
      sync.syncFunction,
    ].map(role);
    const ask = (roleId: string, action: string) =>
      canPerform(all, { roleId, action, targetId: table, targetArn: `arn:aws:dynamodb:::table/${table}` });
    for (const writer of writers) expect(ask(writer, 'dynamodb:PutItem'), writer).toBe(true);
    const others = Object.keys(all).filter(
      (id) => all[id]?.Type === 'AWS::IAM::Role' && !writers.includes(id),
    );
    expect(others.length).toBeGreaterThan(0);
    for (const other of others) {
      for (const action of ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:GetItem']) {
        expect(ask(other, action), `${other} ${action}`).toBe(false);
      }
    }
  });

  it('confines each writer to its own records (dynamodb:LeadingKeys), so deliver cannot rewrite an intake', () => {
    expect(trailLeadingKeys(ingestRole)).toEqual([TRAIL_WRITER_KEY_PREFIXES.ingest.map((p) => `${p}*`)]);
    expect(trailLeadingKeys(deliverRole)).toEqual([['ATT#*']]);
  });
});

/** The LeadingKeys patterns of a role's statements on the trail table. */
function trailLeadingKeys(roleId: string): unknown[] {
  return statementsOfRole(roleId)
    .filter((s) => JSON.stringify(s.Resource).includes(`"${trailTable}"`))
    .map(
      (s) =>
        (s.Condition as Record<string, Record<string, unknown>> | undefined)?.['ForAllValues:StringLike']?.[
          'dynamodb:LeadingKeys'
        ],
    );
}

function statementsOfRole(roleId: string): Record<string, unknown>[] {
  const policies = Object.values(resources).filter(
    (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles ?? []).includes(roleId),
  );
  return policies.flatMap(
    (p) =>
      (p.Properties?.PolicyDocument as { Statement?: Record<string, unknown>[] } | undefined)?.Statement ??
      [],
  );
}

describe('the agent tools', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const withMcp = new BridgeStack(app, 'Test', {
    config: parseBridgeConfig({}, { withSync: false }),
    projectRoot: PROJECT_ROOT,
    entries: { ingest: FIXTURE_HANDLER, deliver: FIXTURE_HANDLER, mcp: FIXTURE_HANDLER },
    ruleFiles: [],
    sources: [],
  });
  const builtMcp = { app, stack: withMcp, template: Template.fromStack(withMcp) };
  const all = builtMcp.template.toJSON().Resources as Resources;
  const mcp = withMcp.mcp as NonNullable<typeof withMcp.mcp>;
  const mcpRole = logicalId(builtMcp, mcp.fn.fn.role as never);
  const otherRoles = Object.keys(all).filter((id) => all[id]?.Type === 'AWS::IAM::Role' && id !== mcpRole);
  const ask = (roleId: string, action: string, target: string, arn: string) =>
    canPerform(all, { roleId, action, targetId: target, targetArn: arn });

  it('only the MCP function reads its confirmation secret, which no function derives from another', () => {
    const secret = logicalId(builtMcp, mcp.confirmSecret);
    const arn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${all[secret]?.Properties?.Name}-AbCdEf`;
    expect(ask(mcpRole, 'secretsmanager:GetSecretValue', secret, arn)).toBe(true);
    expect(otherRoles.length).toBeGreaterThan(0);
    for (const other of otherRoles) {
      expect(ask(other, 'secretsmanager:GetSecretValue', secret, arn), other).toBe(false);
    }
  });

  it('writes to the trail only audit attempts and used confirmation tokens (dynamodb:LeadingKeys)', () => {
    const trail = logicalId(builtMcp, withMcp.trail.table);
    const writes = Object.values(all)
      .filter(
        (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles ?? []).includes(mcpRole),
      )
      .flatMap(
        (p) =>
          (p.Properties?.PolicyDocument as { Statement?: Record<string, unknown>[] } | undefined)
            ?.Statement ?? [],
      )
      .filter(
        (s) =>
          JSON.stringify(s.Action).includes('dynamodb:PutItem') &&
          JSON.stringify(s.Resource).includes(`"${trail}"`),
      );
    const leading = writes.map(
      (s) =>
        (s.Condition as Record<string, Record<string, unknown>> | undefined)?.['ForAllValues:StringLike']?.[
          'dynamodb:LeadingKeys'
        ],
    );
    expect(leading).toEqual([['ATT#*', 'CFM#*']]);
  });

  it('the MCP function may peek at the DLQ but never remove a dead letter; no other role may read it', () => {
    const dlqId = logicalId(builtMcp, withMcp.queues.dlq);
    const arn = `arn:aws:sqs:eu-west-1:123456789012:${dlqId}.fifo`;
    expect(ask(mcpRole, 'sqs:ReceiveMessage', dlqId, arn)).toBe(true);
    expect(ask(mcpRole, 'sqs:DeleteMessage', dlqId, arn)).toBe(false);
    for (const other of otherRoles) expect(ask(other, 'sqs:ReceiveMessage', dlqId, arn), other).toBe(false);
  });
});

describe('policies', () => {
  it('name a resource in every statement instead of *', () => {
    const wildcards = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
      .flatMap(([id, r]) => {
        const document = r.Properties?.PolicyDocument as { Statement: { Resource: unknown }[] } | undefined;
        const statements = document?.Statement ?? [];
        return statements.filter((s) => [s.Resource].flat().includes('*')).map(() => id);
      });
    expect(wildcards).toEqual([]);
  });
});

describe('the shared idempotency table', () => {
  /** The LeadingKeys patterns of a role's DynamoDB item statements. */
  function leadingKeys(roleId: string): unknown[] {
    const item = statementsOfRole(roleId).filter(
      (s) =>
        JSON.stringify(s.Action).includes('dynamodb:PutItem') &&
        JSON.stringify(s.Resource).includes(`"${idempotencyTable}"`),
    );
    expect(item.length).toBeGreaterThan(0);
    return item.map(
      (s) =>
        (s.Condition as Record<string, Record<string, unknown>> | undefined)?.['ForAllValues:StringLike']?.[
          'dynamodb:LeadingKeys'
        ],
    );
  }

  it('confines ingest and deliver each to its own key prefix (dynamodb:LeadingKeys)', () => {
    expect(leadingKeys(ingestRole)).toEqual([['ingest#*']]);
    expect(leadingKeys(deliverRole)).toEqual([['deliver.track_event#*']]);
  });

  it('the prefixes are the ones the functions write', () => {
    expect(IDEMPOTENCY_KEY_PREFIXES.ingest).toBe(INGEST_KEY_PREFIX);
    expect(IDEMPOTENCY_KEY_PREFIXES.deliver).toBe(IDEMPOTENCY_KEY_PREFIX);
  });
});
