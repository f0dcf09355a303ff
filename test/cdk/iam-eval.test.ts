// The policy evaluator behind the least-privilege tests: it must say "allowed" for every way a grant can be written.
import { describe, expect, it } from 'vitest';
import { type AccessQuestion, canPerform, type Resources } from './helpers/iam-eval.ts';

const question: AccessQuestion = {
  roleId: 'IngestRole',
  action: 'secretsmanager:GetSecretValue',
  targetId: 'ApiKeySecret',
  targetArn:
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:userflow-bridge/dev/userflow-api-key-AbCdEf',
};

function withPolicy(statement: Record<string, unknown>, extraRole: Record<string, unknown> = {}): Resources {
  return {
    IngestRole: { Type: 'AWS::IAM::Role', Properties: { ...extraRole } },
    ApiKeySecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    OtherSecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    IngestPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'IngestRole' }],
        PolicyDocument: { Statement: [{ Effect: 'Allow', ...statement }] },
      },
    },
  };
}

describe('canPerform', () => {
  it('allows a statement that references the secret by Ref', () => {
    const resources = withPolicy({
      Action: 'secretsmanager:GetSecretValue',
      Resource: { Ref: 'ApiKeySecret' },
    });
    expect(canPerform(resources, question)).toBe(true);
  });

  it('does not allow a statement on another secret', () => {
    const resources = withPolicy({
      Action: 'secretsmanager:GetSecretValue',
      Resource: { Ref: 'OtherSecret' },
    });
    expect(canPerform(resources, question)).toBe(false);
  });

  it('allows a service wildcard action on any resource', () => {
    const resources = withPolicy({ Action: 'secretsmanager:*', Resource: '*' });
    expect(canPerform(resources, question)).toBe(true);
  });

  it('allows an action prefix wildcard in different case', () => {
    const resources = withPolicy({ Action: ['SecretsManager:Get*'], Resource: { Ref: 'ApiKeySecret' } });
    expect(canPerform(resources, question)).toBe(true);
  });

  it('does not allow an unrelated action on the secret', () => {
    const resources = withPolicy({
      Action: 'secretsmanager:DescribeSecret',
      Resource: { Ref: 'ApiKeySecret' },
    });
    expect(canPerform(resources, question)).toBe(false);
  });

  it('allows a joined ARN pattern that matches the secret name', () => {
    const resources = withPolicy({
      Action: 'secretsmanager:GetSecretValue',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':secretsmanager:',
            { Ref: 'AWS::Region' },
            ':*:secret:userflow-bridge/*',
          ],
        ],
      },
    });
    expect(canPerform(resources, question)).toBe(true);
  });

  it('does not allow an ARN pattern for a different secret name', () => {
    const resources = withPolicy({
      Action: 'secretsmanager:GetSecretValue',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JS template.
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:*:secret:other/*' },
    });
    expect(canPerform(resources, question)).toBe(false);
  });

  it('allows through NotAction that does not exclude the action', () => {
    const resources = withPolicy({ NotAction: 'sqs:*', Resource: '*' });
    expect(canPerform(resources, question)).toBe(true);
  });

  it('ignores Deny statements as grants', () => {
    const resources = withPolicy({ Effect: 'Deny', Action: '*', Resource: '*' });
    expect(canPerform(resources, question)).toBe(false);
  });

  it('treats an unknown managed policy as allowing', () => {
    const resources = withPolicy(
      { Action: 'sqs:SendMessage', Resource: '*' },
      { ManagedPolicyArns: ['arn:aws:iam::aws:policy/SecretsManagerReadWrite'] },
    );
    expect(canPerform(resources, question)).toBe(true);
  });

  it('allows through a resource policy on the secret that names the role', () => {
    const resources: Resources = {
      ...withPolicy({ Action: 'sqs:SendMessage', Resource: '*' }),
      SecretPolicy: {
        Type: 'AWS::SecretsManager::ResourcePolicy',
        Properties: {
          SecretId: { Ref: 'ApiKeySecret' },
          ResourcePolicy: {
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: { 'Fn::GetAtt': ['IngestRole', 'Arn'] } },
                Action: 'secretsmanager:GetSecretValue',
                Resource: '*',
              },
            ],
          },
        },
      },
    };
    expect(canPerform(resources, question)).toBe(true);
  });
});
