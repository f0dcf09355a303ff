// One delivery path: a FIFO command queue + DLQ, the deliver function consuming it with its share of the Userflow
// rate, and its alarms. The stack has one for webhooks and, when sync files exist, one for database syncs.
import { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DeliverEnvName } from '../lib/config/env-names.ts';
import { METRICS_NAMESPACE } from '../lib/metrics-namespace.ts';
import { RETRY_BASE_MS, RETRY_CAP_SECONDS } from '../lib/policy.ts';
import { BridgeAlarms } from './bridge-alarms.ts';
import { BridgeFunction, IDEMPOTENCY_KEY_PREFIXES } from './bridge-function.ts';
import { DELIVER_BATCH_SIZE, DELIVER_TIMEOUT_SECONDS } from './config.ts';
import { DeliveryQueues } from './delivery-queues.ts';

export interface DeliveryPipelineProps {
  readonly projectRoot: string;
  /** Absolute path of the deliver handler module (SQS batches → SQSBatchResponse). */
  readonly entry: string;
  readonly description: string;
  /** POWERTOOLS_SERVICE_NAME: tells this path's logs and metrics (the 401 alarm's dimension) apart. */
  readonly serviceName: string;
  readonly logRetention: RetentionDays;
  readonly userflowApiKey: ISecret;
  readonly userflowRegion: 'us' | 'eu';
  /** The ceiling on Userflow's account-wide rate, in requests/s: the one budget never exceeds it. */
  readonly rateLimit: number;
  /** The one Userflow budget every deliver function leases from (lib/budget/dynamodb-lease-store.ts). */
  readonly budgetTable: ITable;
  /** This path's class in the budget: `live` for webhooks, `sync` for database sync. */
  readonly budgetClass: 'live' | 'sync';
  /** The sync class's minimum share (syncRateShare): every function drawing on the budget must agree on it. */
  readonly syncShare: number;
  /** Concurrent deliver instances on this queue (the mapping's maxConcurrency). */
  readonly maxConcurrency: number;
  readonly idempotencyTable: ITable;
  readonly oldestMessageAgeMinutes: number;
  readonly alarmAction?: IAlarmAction;
}

export class DeliveryPipeline extends Construct {
  readonly queues: DeliveryQueues;
  readonly deliver: BridgeFunction<DeliverEnvName>;
  readonly alarms: BridgeAlarms;

  constructor(scope: Construct, id: string, props: DeliveryPipelineProps) {
    super(scope, id);
    this.queues = new DeliveryQueues(this, 'Queues');
    const { queue, dlq } = this.queues;

    this.deliver = new BridgeFunction<DeliverEnvName>(this, 'Deliver', {
      projectRoot: props.projectRoot,
      logRetention: props.logRetention,
      entry: props.entry,
      description: props.description,
      serviceName: props.serviceName,
      timeout: Duration.seconds(DELIVER_TIMEOUT_SECONDS),
    });
    // Env vars deliver reads (functions/deliver.ts, lib/config/deliver.ts):
    //   QUEUE_URL                    command queue URL (may receive/delete/ChangeMessageVisibility)
    //   DLQ_URL                      dead-letter queue URL (may SendMessage: permanent failures with their reason)
    //   USERFLOW_API_KEY_SECRET_ID   ARN of the Userflow API key secret (may GetSecretValue)
    //   USERFLOW_REGION              us | eu
    //   USERFLOW_RATE_LIMIT          ceiling of the one budget (requests/s); the fallback slice is taken from it
    //   BUDGET_TABLE                 the budget table (may GetItem/PutItem: leases by conditional writes)
    //   BUDGET_CLASS                 live | sync: this queue's class in the budget
    //   BUDGET_SYNC_SHARE            the sync class's minimum share (the same on every deliver function)
    //   MAX_CONCURRENCY              the event source mapping's maximum concurrency (same number)
    //   IDEMPOTENCY_TABLE            DynamoDB table name (may read/write items)
    //   POWERTOOLS_SERVICE_NAME      set by BridgeFunction; the alarms' `service` dimension
    //   POWERTOOLS_METRICS_NAMESPACE UserflowBridge (custom metrics, e.g. UserflowUnauthorized)
    //   RETRY_BASE_MS, RETRY_CAP_SECONDS  the backoff MAX_RECEIVE_COUNT is sized for (lib/policy.ts)
    this.deliver
      .consumes('QUEUE_URL', queue)
      .sendsTo('DLQ_URL', dlq)
      .readsSecret('USERFLOW_API_KEY_SECRET_ID', props.userflowApiKey)
      .usesItemTable('IDEMPOTENCY_TABLE', props.idempotencyTable, IDEMPOTENCY_KEY_PREFIXES.deliver)
      .usesBudgetTable('BUDGET_TABLE', props.budgetTable)
      .setEnv('BUDGET_CLASS', props.budgetClass)
      .setEnv('BUDGET_SYNC_SHARE', String(props.syncShare))
      .setEnv('USERFLOW_REGION', props.userflowRegion)
      .setEnv('USERFLOW_RATE_LIMIT', String(props.rateLimit))
      .setEnv('MAX_CONCURRENCY', String(props.maxConcurrency))
      .setEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE)
      .setEnv('RETRY_BASE_MS', String(RETRY_BASE_MS))
      .setEnv('RETRY_CAP_SECONDS', String(RETRY_CAP_SECONDS));
    // FIFO queues take no batching window; maxConcurrency caps pollers, so Lambda throttling never burns receives.
    this.deliver.fn.addEventSource(
      new SqsEventSource(queue, {
        batchSize: DELIVER_BATCH_SIZE,
        maxConcurrency: props.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.alarms = new BridgeAlarms(this, 'Alarms', {
      queue,
      dlq,
      deliver: this.deliver.fn,
      deliverServiceName: props.serviceName,
      oldestMessageAgeMinutes: props.oldestMessageAgeMinutes,
      ...(props.alarmAction ? { action: props.alarmAction } : {}),
    });
  }
}
