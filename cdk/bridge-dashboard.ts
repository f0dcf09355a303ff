// The CloudWatch dashboard of a stack: queue depth and age of every queue and DLQ, delivery outcomes per minute,
// deliver errors and duration, ingest 4xx/5xx. What the console shows locally, for the deployed bridge.
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Dashboard, GraphWidget, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../lib/metrics-namespace.ts';

/** One delivery path: its queue, DLQ and deliver function, and the `service` dimension of its custom metrics. */
export interface DashboardPath {
  readonly label: string;
  readonly queue: IQueue;
  readonly dlq: IQueue;
  readonly deliver: IFunction;
  readonly serviceName: string;
}

export interface BridgeDashboardProps {
  readonly dashboardName: string;
  readonly paths: readonly DashboardPath[];
  readonly ingest: IFunction;
  readonly api: IHttpApi;
}

/** The per-minute outcome counts deliver emits (lib/deliver/metrics.ts), in the order the graph stacks them. */
export const DELIVERY_OUTCOME_METRICS = [
  'Delivered',
  'Retried',
  'Throttled',
  'DeadLettered',
  'Skipped',
] as const;

export class BridgeDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: BridgeDashboardProps) {
    super(scope, id);
    const minute = Duration.minutes(1);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${props.dashboardName}\nLocally: \`userflow-bridge console --queue-url … --dlq-url …\``,
        width: 24,
        height: 2,
      }),
    );
    for (const path of props.paths) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: `${path.label}: messages waiting`,
          left: [path.queue, path.dlq].map((q) =>
            q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: minute }),
          ),
          width: 8,
        }),
        new GraphWidget({
          title: `${path.label}: oldest message age (s)`,
          left: [path.queue, path.dlq].map((q) =>
            q.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: minute }),
          ),
          width: 8,
        }),
        new GraphWidget({
          title: `${path.label}: delivery outcomes per minute`,
          left: DELIVERY_OUTCOME_METRICS.map(
            (metricName) =>
              new Metric({
                namespace: METRICS_NAMESPACE,
                metricName,
                dimensionsMap: { service: path.serviceName },
                statistic: 'Sum',
                period: minute,
              }),
          ),
          width: 8,
        }),
        new GraphWidget({
          title: `${path.label}: deliver errors`,
          left: [path.deliver.metricErrors({ statistic: 'Sum', period: minute })],
          width: 12,
        }),
        new GraphWidget({
          title: `${path.label}: deliver duration (ms)`,
          left: [
            path.deliver.metricDuration({ statistic: 'p50', period: minute }),
            path.deliver.metricDuration({ statistic: 'p99', period: minute }),
          ],
          width: 12,
        }),
      );
    }
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'ingest: 4xx and 5xx per minute',
        left: [
          props.api.metricClientError({ statistic: 'Sum', period: minute }),
          props.api.metricServerError({ statistic: 'Sum', period: minute }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'ingest: function errors',
        left: [props.ingest.metricErrors({ statistic: 'Sum', period: minute })],
        width: 12,
      }),
    );
  }
}
