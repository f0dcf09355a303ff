// The event trail in AWS: its DynamoDB table (lib/trail/dynamodb-layout.ts's schema) and the alarms on the
// metrics its writers emit. Writers are granted through BridgeFunction.writesTrail, each to its own key prefixes.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../lib/metrics-namespace.ts';
import { TRAIL_TABLE_SCHEMA } from '../lib/trail/dynamodb-layout.ts';

/** Emitted (Powertools Metrics, namespace UserflowBridge) each time a trail write fails; the webhook goes on. */
export const TRAIL_WRITE_FAILED_METRIC = 'TrailWriteFailed';
/** Emitted per rule that matched but skipped (a value evaluated to nothing), by source and rule. */
export const RULES_SKIPPED_METRIC = 'RulesSkipped';

export interface TrailProps {
  /** Alarm when more rules than this skip within 5 minutes. */
  readonly rulesSkippedThreshold: number;
  readonly alarmAction?: IAlarmAction;
}

export class Trail extends Construct {
  readonly table: Table;
  readonly writeFailed: Alarm;
  readonly rulesSkipped: Alarm;

  constructor(scope: Construct, id: string, props: TrailProps) {
    super(scope, id);
    const s = TRAIL_TABLE_SCHEMA;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: s.partitionKey, type: AttributeType.STRING },
      sortKey: { name: s.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: s.timeToLive,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A KMS key the account can see in CloudTrail (aws/dynamodb); bodies and headers are customer data.
      encryption: TableEncryption.AWS_MANAGED,
      // The trail is the record of what reached Userflow; deleting the stack must not delete it with it. TTL
      // still empties a retained table within TRAIL_RETENTION_DAYS.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of s.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        // Never the intake's body: projecting it would write every large body once per index.
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...s.projectedAttributes],
      });
    }

    // Metrics Insights sums the metric over every dimension its emitters add (service, source, rule), so the
    // alarm holds whichever function or rule the count comes from.
    const sumOf = (metric: string) =>
      new MathExpression({
        expression: `SELECT SUM(${metric}) FROM ${METRICS_NAMESPACE}`,
        usingMetrics: {},
        period: Duration.minutes(5),
        label: metric,
      });
    this.writeFailed = new Alarm(this, TRAIL_WRITE_FAILED_METRIC, {
      alarmDescription:
        'Trail writes failed: webhooks are still queued and delivered, but `events` will not show them. ' +
        'Check the functions’ logs for "trail" errors and the Trail table.',
      metric: sumOf(TRAIL_WRITE_FAILED_METRIC),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.rulesSkipped = new Alarm(this, RULES_SKIPPED_METRIC, {
      alarmDescription:
        `More than ${props.rulesSkippedThreshold} rule skips in 5 min: a rule matched but a value evaluated ` +
        'to nothing (a sender changed its payload?). `userflow-bridge events show <id>` names rule and reason.',
      metric: sumOf(RULES_SKIPPED_METRIC),
      threshold: props.rulesSkippedThreshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) {
      for (const alarm of [this.writeFailed, this.rulesSkipped]) {
        alarm.addAlarmAction(props.alarmAction);
        alarm.addOkAction(props.alarmAction);
      }
    }
  }
}
