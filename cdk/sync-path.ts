// The database-sync path: the scheduled sync function, its own FIFO queue and deliver consumer with a share of the
// Userflow rate (so a big sync never starves webhooks), the sync state table, and the connection URLs secret.
import { type CfnElement, Duration, RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SyncEnvName } from '../lib/config/env-names.ts';
import { SYNC_STATE_TABLE_SCHEMA } from '../lib/sync/dynamodb-state-store.ts';
import { BridgeFunction, LAMBDA_TASK_ROOT } from './bridge-function.ts';
import { SYNC_MAX_CONCURRENCY } from './config.ts';
import { DeliveryPipeline } from './delivery-pipeline.ts';
import { type DeployedSync, syncFileBundle } from './sync-files.ts';

export interface SyncPathProps {
  readonly environmentName: string;
  /** Absolute path of the sync handler module (functions/sync.ts). */
  readonly syncEntry: string;
  /** The validated sync files: each is bundled with the sync function and gets a schedule. */
  readonly syncFiles: readonly DeployedSync[];
  /** EventBridge Scheduler expression for every sync, e.g. `rate(1 hour)`. */
  readonly schedule: string;
  readonly projectRoot: string;
  readonly logRetention: RetentionDays;
  /** The same deliver handler as the webhook path; only its queue and rate differ. */
  readonly deliverEntry: string;
  readonly userflowApiKey: ISecret;
  readonly userflowRegion: 'us' | 'eu';
  /** The budget's ceiling (userflowRateLimit): sync shares the one budget with webhooks. */
  readonly rateLimit: number;
  readonly budgetTable: ITable;
  /** The sync class's minimum share of the budget (syncRateShare). */
  readonly syncShare: number;
  readonly idempotencyTable: ITable;
  readonly oldestMessageAgeMinutes: number;
  readonly alarmAction?: IAlarmAction;
}

export const SYNC_SERVICE_NAME = 'deliver-sync';

export class SyncPath extends Construct {
  readonly pipeline: DeliveryPipeline;
  readonly stateTable: Table;
  readonly connections: Secret;
  readonly syncFunction: BridgeFunction<SyncEnvName>;
  readonly schedules: Schedule[];
  readonly syncErrors: Alarm;

  constructor(scope: Construct, id: string, props: SyncPathProps) {
    super(scope, id);

    this.pipeline = new DeliveryPipeline(this, 'Delivery', {
      projectRoot: props.projectRoot,
      logRetention: props.logRetention,
      entry: props.deliverEntry,
      description: `userflow-bridge ${props.environmentName}: delivers database-sync commands to Userflow`,
      serviceName: SYNC_SERVICE_NAME,
      userflowApiKey: props.userflowApiKey,
      userflowRegion: props.userflowRegion,
      rateLimit: props.rateLimit,
      budgetTable: props.budgetTable,
      budgetClass: 'sync',
      syncShare: props.syncShare,
      maxConcurrency: SYNC_MAX_CONCURRENCY,
      idempotencyTable: props.idempotencyTable,
      oldestMessageAgeMinutes: props.oldestMessageAgeMinutes,
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });

    // lib/sync/dynamodb-state-store.ts: fingerprints per entity (never expire) and the run log (TTL).
    this.stateTable = new Table(this, 'StateTable', {
      partitionKey: { name: SYNC_STATE_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: SYNC_STATE_TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: SYNC_STATE_TABLE_SCHEMA.timeToLive,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Losing the fingerprints only makes the next run send everything again; keep them anyway.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // {"<connection name from a sync file>": "postgres://…"}; filled in by the operator like the webhook secrets.
    this.connections = new Secret(this, 'Connections', {
      secretName: `userflow-bridge/${props.environmentName}/sync-connections`,
      description: 'Database connection URLs for syncs: JSON object, connection name → URL',
      secretStringValue: SecretValue.unsafePlainText('{}'),
    });
    Validations.of(this.connections).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Database credentials belong to the application team’s database and are rotated there; the sync reads ' +
        'the URL at each run, so storing the new URL is the rotation (README: rotating secrets).',
    });

    this.syncFunction = new BridgeFunction<SyncEnvName>(this, 'Run', {
      projectRoot: props.projectRoot,
      logRetention: props.logRetention,
      entry: props.syncEntry,
      description: `userflow-bridge ${props.environmentName}: runs a database sync, queueing what changed`,
      serviceName: 'sync',
      // A run streams the whole query through a cursor; Lambda's ceiling is the limit for one run.
      timeout: Duration.minutes(15),
      memorySize: 1024,
      bundledFiles: syncFileBundle(props.syncFiles),
    });
    // Env vars sync reads (functions/sync.ts, lib/config/sync.ts):
    //   SYNC_QUEUE_URL   the sync path's queue (may SendMessage), never the webhook queue
    //   SYNC_STATE_TABLE fingerprints and run log (may query and batch read/write)
    //   SYNC_SECRETS_ID  ARN of the connections secret (may GetSecretValue)
    //   SYNC_FILES_DIR   the bundled sync files inside the Lambda
    this.syncFunction
      .sendsTo('SYNC_QUEUE_URL', this.pipeline.queues.queue)
      .usesFullTable('SYNC_STATE_TABLE', this.stateTable)
      .readsSecret('SYNC_SECRETS_ID', this.connections)
      .setEnv('SYNC_FILES_DIR', `${LAMBDA_TASK_ROOT}/syncs`);

    // One schedule per sync file; a failed run is retried (it re-sends, never skips: state commits after queueing).
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Lets EventBridge Scheduler start sync runs',
    });
    const fnId = Stack.of(this).getLogicalId(this.syncFunction.fn.node.defaultChild as CfnElement);
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
      reason:
        "The scheduler's LambdaInvoke target also grants the sync function's versions and aliases (<arn>:*); " +
        'the wildcard covers that one function only.',
    });
    this.schedules = props.syncFiles.map(
      (file) =>
        new Schedule(this, `Schedule-${file.name}`, {
          description: `userflow-bridge ${props.environmentName}: sync ${file.name}`,
          schedule: ScheduleExpression.expression(props.schedule),
          target: new LambdaInvoke(this.syncFunction.fn, {
            role: schedulerRole,
            input: ScheduleTargetInput.fromObject({ sync: file.name }),
            retryAttempts: 2,
            maxEventAge: Duration.hours(1),
          }),
        }),
    );

    this.syncErrors = new Alarm(this, 'SyncErrors', {
      alarmDescription:
        'A scheduled sync run failed: see the sync log group (file, secret and reason are named).',
      metric: this.syncFunction.fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) {
      this.syncErrors.addAlarmAction(props.alarmAction);
      this.syncErrors.addOkAction(props.alarmAction);
    }
  }
}
