// Least privilege, checked by evaluating the synthesized policies against each resource's logical id.
import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_PREFIXES } from '../../cdk/bridge-function.ts';
import { IDEMPOTENCY_KEY_PREFIX } from '../../lib/deliver/effectively-once.ts';
import { INGEST_KEY_PREFIX } from '../../lib/ingest/dedupe.ts';
import { type AccessQuestion, canPerform, type Resources } from './helpers/iam-eval.ts';
import { buildStack, logicalId } from './helpers/stack.ts';

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

/** A concrete ARN the resource would get, so literal ARN patterns in a policy are matched too. */
function arnOf(id: string): string {
  const resource = resources[id];
  if (resource?.Type === 'AWS::SecretsManager::Secret') {
    return `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${resource.Properties?.Name}-AbCdEf`;
  }
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
    const policies = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles ?? []).includes(roleId),
    );
    const statements = policies.flatMap(
      (p) =>
        (p.Properties?.PolicyDocument as { Statement?: Record<string, unknown>[] } | undefined)?.Statement ??
        [],
    );
    const item = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:PutItem'));
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
