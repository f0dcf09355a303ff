// CloudWatch alarms on a delivery path, and the optional SNS topic (with an email subscription) they notify.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../lib/metrics-namespace.ts';

/**
 * The custom metric deliver emits (Powertools Metrics, EMF) each time Userflow answers 401 (a 403, a plan limit, is dead-lettered and DlqNotEmpty covers it): a revoked or wrong
 * API key stops every delivery, so it pages at once. Powertools adds the `service` dimension
 * (POWERTOOLS_SERVICE_NAME) by default; the alarm matches exactly that one dimension, so the emitter must not add
 * others to this metric.
 */
export const USERFLOW_UNAUTHORIZED_METRIC = 'UserflowUnauthorized';

export interface BridgeAlarmsProps {
  readonly queue: IQueue;
  readonly dlq: IQueue;
  readonly deliver: IFunction;
  /** POWERTOOLS_SERVICE_NAME of deliver: the `service` dimension of its custom metrics. */
  readonly deliverServiceName: string;
  readonly oldestMessageAgeMinutes: number;
  /** Where alarm and OK notifications go (the AlarmTopic); none without it. */
  readonly action?: IAlarmAction;
}

export class BridgeAlarms extends Construct {
  readonly dlqNotEmpty: Alarm;
  readonly oldestMessageAge: Alarm;
  readonly deliverErrors: Alarm;
  readonly userflowUnauthorized: Alarm;

  constructor(scope: Construct, id: string, props: BridgeAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);

    this.dlqNotEmpty = new Alarm(this, 'DlqNotEmpty', {
      alarmDescription:
        'Commands reached the DLQ: inspect with `userflow-bridge dlq list`, fix, then redrive.',
      metric: props.dlq.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.oldestMessageAge = new Alarm(this, 'OldestMessageAge', {
      alarmDescription: `A command has waited over ${props.oldestMessageAgeMinutes} min: Userflow outage, throttling or a stuck user.`,
      metric: props.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period }),
      threshold: props.oldestMessageAgeMinutes * 60,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Record failures are reported per item and do not count here: these are crashes and timeouts of deliver.
    this.deliverErrors = new Alarm(this, 'DeliverErrors', {
      alarmDescription: 'The deliver function failed (crash or timeout), not just single records.',
      metric: props.deliver.metricErrors({ statistic: 'Sum', period }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.userflowUnauthorized = new Alarm(this, 'UserflowUnauthorized', {
      alarmDescription: 'Userflow rejected the API key (401): check the Userflow API key secret.',
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: USERFLOW_UNAUTHORIZED_METRIC,
        dimensionsMap: { service: props.deliverServiceName },
        statistic: 'Sum',
        period,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    if (props.action) {
      for (const alarm of this.all()) {
        alarm.addAlarmAction(props.action);
        alarm.addOkAction(props.action);
      }
    }
  }

  all(): Alarm[] {
    return [this.dlqNotEmpty, this.oldestMessageAge, this.deliverErrors, this.userflowUnauthorized];
  }
}

/**
 * The SNS topic alarms notify, with an email subscription. CloudWatch cannot publish to a topic under the
 * AWS-managed SNS key, so the topic gets its own rotating key that CloudWatch may use.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly action: IAlarmAction;

  constructor(scope: Construct, id: string, props: { email: string }) {
    super(scope, id);
    const key = new Key(this, 'Key', {
      description: 'Encrypts the userflow-bridge alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'userflow-bridge alarms',
    });
    this.topic.addSubscription(new EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);
  }
}
