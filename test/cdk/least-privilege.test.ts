// Least privilege, checked by evaluating the synthesized policies against each resource's logical id.
import { describe, expect, it } from 'vitest';
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
