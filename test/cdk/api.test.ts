// Template tests of the HTTP API in front of ingest.
import { describe, expect, it } from 'vitest';
import { buildStack, logicalId, resourcesOf } from './helpers/stack.ts';

const built = buildStack({ throttlingRateLimit: 12, throttlingBurstLimit: 34, logRetentionDays: 14 });
const { stack, template } = built;
const resources = resourcesOf(built);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('HTTP API', () => {
  it.each(['POST /webhooks/{source}', 'GET /healthz'])('routes %s to the ingest function', (routeKey) => {
    const route = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey);
    expect(route).toBeDefined();
    const integrationId = route?.[1].Properties.Target['Fn::Join'][1][1].Ref as string;
    expect(resources[integrationId]?.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [logicalId(built, stack.ingest.fn), 'Arn'] },
    });
  });

  it('throttles the stage at the configured rate and burst', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0] ?? [];
    expect(stage?.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 12,
      ThrottlingBurstLimit: 34,
    });
  });

  it('writes JSON access logs with the request id to a log group with retention', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0] ?? [];
    const settings = stage?.Properties.AccessLogSettings;
    const groupId = settings.DestinationArn['Fn::GetAtt'][0] as string;
    expect(resources[groupId]?.Properties.RetentionInDays).toBe(14);
    expect(JSON.parse(settings.Format)).toMatchObject({ requestId: '$context.requestId' });
  });

  it('never logs request headers or bodies', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0] ?? [];
    expect(stage?.Properties.AccessLogSettings.Format).not.toMatch(/\$request\.|\$input/);
  });

  it('outputs the webhook base URL and where the secrets and queues are', () => {
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'WebhookBaseUrl',
        'QueueUrl',
        'DlqUrl',
        'WebhookSecretsName',
        'UserflowApiKeySecretName',
      ]),
    );
    expect(JSON.stringify(outputs.WebhookBaseUrl)).toContain('webhooks/');
  });
});
