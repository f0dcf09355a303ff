// The database-sync path: its own FIFO queue and deliver consumer with a share of the Userflow rate (so a big sync
// never starves webhooks), the sync state table, and the secret holding the database connection URLs.
import { RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SYNC_STATE_TABLE_SCHEMA } from '../lib/sync/dynamodb-state-store.ts';
import { SYNC_MAX_CONCURRENCY } from './config.ts';
import { DeliveryPipeline } from './delivery-pipeline.ts';

export interface SyncPathProps {
  readonly environmentName: string;
  readonly projectRoot: string;
  readonly logRetention: RetentionDays;
  /** The same deliver handler as the webhook path; only its queue and rate differ. */
  readonly deliverEntry: string;
  readonly userflowApiKey: ISecret;
  readonly userflowRegion: 'us' | 'eu';
  /** requests/s for sync deliveries: userflowRateLimit × syncRateShare. */
  readonly rateLimit: number;
  readonly idempotencyTable: ITable;
  readonly oldestMessageAgeMinutes: number;
  readonly alarmAction?: IAlarmAction;
}

export const SYNC_SERVICE_NAME = 'deliver-sync';

export class SyncPath extends Construct {
  readonly pipeline: DeliveryPipeline;
  readonly stateTable: Table;
  readonly connections: Secret;

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
  }
}
