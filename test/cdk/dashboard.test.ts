// The CloudWatch dashboard: every queue and DLQ, delivery outcomes per path, deliver and ingest health, and its URL.
import { describe, expect, it } from 'vitest';
import { DELIVERY_OUTCOME_METRICS } from '../../cdk/bridge-dashboard.ts';
import { buildStack, logicalId, PROJECT_ROOT, resourcesOf } from './helpers/stack.ts';

const withSync = buildStack({ userflowRateLimit: 20, syncRateShare: 0.25 }, [
  { name: 'app', path: `${PROJECT_ROOT}test/cdk/fixtures/syncs-valid/app.yaml` },
]);

/** The dashboard body as one string, with each CloudFormation reference written as JSON in its place. */
function dashboardBody(built: typeof withSync): string {
  const [dashboard] = Object.values(resourcesOf(built)).filter(
    (r) => r.Type === 'AWS::CloudWatch::Dashboard',
  );
  if (!dashboard) throw new Error('the stack has no dashboard');
  const [, parts] = dashboard.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
  return parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

describe('dashboard', () => {
  const body = dashboardBody(withSync);
  const { stack } = withSync;
  const sync = stack.sync?.pipeline;

  it('graphs depth and oldest age of every queue and DLQ', () => {
    for (const queue of [stack.queues.queue, stack.queues.dlq, sync?.queues.queue, sync?.queues.dlq]) {
      expect(body).toContain(`{"Fn::GetAtt":["${logicalId(withSync, queue as never)}","QueueName"]}`);
    }
    expect(body).toContain('"ApproximateNumberOfMessagesVisible"');
    expect(body).toContain('"ApproximateAgeOfOldestMessage"');
  });

  it("graphs each path's delivery outcomes under the service name its deliver emits them with", () => {
    const envOf = (fn: never) =>
      resourcesOf(withSync)[logicalId(withSync, fn)]?.Properties.Environment.Variables;
    for (const deliver of [stack.deliver.fn, sync?.deliver.fn]) {
      const env = envOf(deliver as never);
      for (const metric of DELIVERY_OUTCOME_METRICS) {
        expect(body).toContain(
          `"${env.POWERTOOLS_METRICS_NAMESPACE}","${metric}","service","${env.POWERTOOLS_SERVICE_NAME}"`,
        );
      }
    }
  });

  it('graphs deliver errors and duration, ingest 4xx/5xx, and outputs its URL', () => {
    expect(body).toContain(
      `"AWS/Lambda","Errors","FunctionName","{"Ref":"${logicalId(withSync, stack.deliver.fn)}"}"`,
    );
    expect(body).toContain(
      `"AWS/Lambda","Duration","FunctionName","{"Ref":"${logicalId(withSync, stack.deliver.fn)}"}"`,
    );
    expect(body).toMatch(/"AWS\/ApiGateway","4xx"/);
    expect(body).toMatch(/"AWS\/ApiGateway","5xx"/);
    const outputs = withSync.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.DashboardUrl?.Value)).toContain('#dashboards:name=userflow-bridge-');
  });
});
