// Template tests of the HTTP API in front of ingest.
import { describe, expect, it } from 'vitest';
import { buildStack, logicalId, resourcesOf } from './helpers/stack.ts';

const built = buildStack({ throttlingRateLimit: 12, throttlingBurstLimit: 34, logRetentionDays: 14 });
const { stack, template } = built;
const resources = resourcesOf(built);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('HTTP API', () => {
  it.each(['POST /webhooks/{source}', 'GET /healthz', 'GET /readyz'])(
    'routes %s to the ingest function',
    (routeKey) => {
      const route = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey);
      expect(route).toBeDefined();
      const integrationId = route?.[1].Properties.Target['Fn::Join'][1][1].Ref as string;
      expect(resources[integrationId]?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(built, stack.ingest.fn), 'Arn'] },
      });
    },
  );

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
        'TrailTableName',
      ]),
    );
    expect(outputs.TrailTableName).toMatchObject({ Value: { Ref: logicalId(built, stack.trail.table) } });
    expect(JSON.stringify(outputs.WebhookBaseUrl)).toContain('webhooks/');
  });
});

describe('per-source throttles', () => {
  const perSource = buildStack(
    {
      throttlingRateLimit: 12,
      throttlingBurstLimit: 34,
      sourceThrottles: { stripe: { rateLimit: 5, burstLimit: 9 } },
    },
    [],
    ['stripe', 'hubspot'],
  );
  const res = resourcesOf(perSource);
  const ofKind = (type: string) => Object.entries(res).filter(([, r]) => r.Type === type);

  it('gives every source of the rule files its own route, so a flood at one cannot crowd out another', () => {
    const keys = ofKind('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(keys).toEqual(
      expect.arrayContaining(['POST /webhooks/stripe', 'POST /webhooks/hubspot', 'POST /webhooks/{source}']),
    );
  });

  it('sizes a source’s route throttle from sourceThrottles, after its route exists', () => {
    const [, stage] = ofKind('AWS::ApiGatewayV2::Stage')[0] ?? [];
    expect(stage?.Properties.RouteSettings).toEqual({
      'POST /webhooks/stripe': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 9 },
    });
    const stripeRoute = ofKind('AWS::ApiGatewayV2::Route').find(
      ([, r]) => r.Properties.RouteKey === 'POST /webhooks/stripe',
    );
    const raw = perSource.template.toJSON().Resources as Record<
      string,
      { Type: string; DependsOn?: string[] }
    >;
    const stageDeps = Object.values(raw).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')?.DependsOn;
    expect(stageDeps).toEqual(expect.arrayContaining([stripeRoute?.[0]]));
  });

  it('refuses a throttle for a source no rule file declares', () => {
    expect(() =>
      buildStack({ sourceThrottles: { nope: { rateLimit: 1, burstLimit: 1 } } }, [], ['stripe']),
    ).toThrow(/nope/);
  });
});

describe('ingest concurrency', () => {
  it('reserves ingestReservedConcurrency for ingest, so delivery cannot starve it; none by default', () => {
    const reserved = buildStack({ ingestReservedConcurrency: 20 });
    const fnOf = (b: typeof reserved) =>
      resourcesOf(b)[logicalId(b, b.stack.ingest.fn)]?.Properties.ReservedConcurrentExecutions;
    expect(fnOf(reserved)).toBe(20);
    expect(fnOf(built)).toBeUndefined();
  });
});
