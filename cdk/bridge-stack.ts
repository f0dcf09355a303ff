// The one stack: HTTP API → ingest → SQS FIFO → deliver → Userflow, with secrets, idempotency table and alarms.
import { basename } from 'node:path';
import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { BridgeAlarms, METRICS_NAMESPACE } from './bridge-alarms.ts';
import { BridgeFunction, LAMBDA_TASK_ROOT } from './bridge-function.ts';
import { type BridgeConfig, DELIVER_BATCH_SIZE, DELIVER_TIMEOUT_SECONDS } from './config.ts';
import { DeliveryQueues, RETRY_BASE_MS, RETRY_CAP_SECONDS } from './delivery-queues.ts';

export interface FunctionEntries {
  /** Absolute path of the ingest handler module (API Gateway v2 events). */
  readonly ingest: string;
  /** Absolute path of the deliver handler module (SQS batches → SQSBatchResponse). */
  readonly deliver: string;
}

export interface BridgeStackProps extends StackProps {
  readonly config: BridgeConfig;
  /** The package root (package.json, package-lock.json); esbuild bundles from here. */
  readonly projectRoot: string;
  readonly entries: FunctionEntries;
  /** Absolute paths of the rule files, already validated; bundled with ingest under `rules/`. */
  readonly ruleFiles: readonly string[];
}

/** POWERTOOLS_SERVICE_NAME of each function: the `service` key of its logs and dimension of its metrics. */
export const SERVICE_NAMES = { ingest: 'ingest', deliver: 'deliver' } as const;

export class BridgeStack extends Stack {
  readonly ingest: BridgeFunction;
  readonly deliver: BridgeFunction;
  readonly queues: DeliveryQueues;
  readonly webhookSecrets: Secret;
  readonly userflowApiKey: Secret;
  readonly idempotencyTable: Table;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly alarms: BridgeAlarms;

  constructor(scope: Construct, id: string, props: BridgeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const env = config.environmentName;

    this.queues = new DeliveryQueues(this, 'Commands');
    const { queue, dlq } = this.queues;

    // {"<secret name from a rule file's verify block>": "value" | ["new", "old"]}; an array keeps several values
    // live while a sender rotates. Deployed as {} and filled in by the operator (README); CloudFormation leaves
    // the value alone on later deploys because this template value never changes.
    this.webhookSecrets = new Secret(this, 'WebhookSecrets', {
      secretName: `userflow-bridge/${env}/webhook-secrets`,
      description: 'Webhook signing secrets per source: JSON object, secret name → value or array of values',
      secretStringValue: SecretValue.unsafePlainText('{}'),
    });
    // A random placeholder until the operator stores the real key; Userflow then answers 401 and the alarm fires.
    this.userflowApiKey = new Secret(this, 'UserflowApiKey', {
      secretName: `userflow-bridge/${env}/userflow-api-key`,
      description: `Userflow API key of the ${env} environment (${config.userflowRegion} region)`,
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    for (const secret of [this.webhookSecrets, this.userflowApiKey]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Issued by third parties (Stripe, HubSpot, Userflow) and rotated in their consoles, so no rotation ' +
          'Lambda can do it; rotation is manual with overlapping values (README: rotating secrets).',
      });
    }

    // Powertools idempotency's DynamoDB layout: partition key `id`, TTL attribute `expiration`.
    this.idempotencyTable = new Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Records expire within days; losing them with the stack only re-opens the duplicate window.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const common = {
      projectRoot: props.projectRoot,
      logRetention: config.logRetentionDays,
    };

    this.ingest = new BridgeFunction(this, 'Ingest', {
      ...common,
      entry: props.entries.ingest,
      description: `userflow-bridge ${env}: verifies webhooks, applies rules, enqueues commands`,
      serviceName: SERVICE_NAMES.ingest,
      // API Gateway gives up after 30 s; a webhook sender retries on our 5xx anyway.
      timeout: Duration.seconds(10),
      bundledFiles: props.ruleFiles.map((file) => ({ from: file, to: `rules/${basename(file)}` })),
    });
    // Env vars ingest reads (functions/ingest.ts):
    //   QUEUE_URL          command queue URL (may SendMessage)
    //   WEBHOOK_SECRETS_ID ARN of the webhook-secrets secret (may GetSecretValue)
    //   IDEMPOTENCY_TABLE  DynamoDB table name (may read/write items)
    //   RULES_DIR          directory of the bundled rule files inside the Lambda
    this.ingest
      .sendsTo('QUEUE_URL', queue)
      .readsSecret('WEBHOOK_SECRETS_ID', this.webhookSecrets)
      .usesItemTable('IDEMPOTENCY_TABLE', this.idempotencyTable)
      .setEnv('RULES_DIR', `${LAMBDA_TASK_ROOT}/rules`);

    this.deliver = new BridgeFunction(this, 'Deliver', {
      ...common,
      entry: props.entries.deliver,
      description: `userflow-bridge ${env}: delivers queued commands to Userflow`,
      serviceName: SERVICE_NAMES.deliver,
      timeout: Duration.seconds(DELIVER_TIMEOUT_SECONDS),
    });
    // Env vars deliver reads (functions/deliver.ts):
    //   QUEUE_URL                    command queue URL (may receive/delete/ChangeMessageVisibility)
    //   DLQ_URL                      dead-letter queue URL (may SendMessage: permanent failures with their reason)
    //   USERFLOW_API_KEY_SECRET_ID   ARN of the Userflow API key secret (may GetSecretValue)
    //   USERFLOW_REGION              us | eu
    //   USERFLOW_RATE_LIMIT          requests/s, account-wide; each instance takes ÷ MAX_CONCURRENCY
    //   MAX_CONCURRENCY              the event source mapping's maximum concurrency (same number)
    //   IDEMPOTENCY_TABLE            DynamoDB table name (may read/write items)
    //   POWERTOOLS_SERVICE_NAME      'deliver' (set by BridgeFunction); the alarms' `service` dimension
    //   POWERTOOLS_METRICS_NAMESPACE UserflowBridge (custom metrics, e.g. UserflowUnauthorized)
    //   RETRY_BASE_MS, RETRY_CAP_SECONDS  the backoff MAX_RECEIVE_COUNT is sized for (delivery-queues.ts)
    this.deliver
      .consumes('QUEUE_URL', queue)
      .sendsTo('DLQ_URL', dlq)
      .readsSecret('USERFLOW_API_KEY_SECRET_ID', this.userflowApiKey)
      .usesItemTable('IDEMPOTENCY_TABLE', this.idempotencyTable)
      .setEnv('USERFLOW_REGION', config.userflowRegion)
      .setEnv('USERFLOW_RATE_LIMIT', String(config.userflowRateLimit))
      .setEnv('MAX_CONCURRENCY', String(config.maxConcurrency))
      .setEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE)
      .setEnv('RETRY_BASE_MS', String(RETRY_BASE_MS))
      .setEnv('RETRY_CAP_SECONDS', String(RETRY_CAP_SECONDS));
    // FIFO queues take no batching window; maxConcurrency caps pollers, so Lambda throttling never burns receives.
    this.deliver.fn.addEventSource(
      new SqsEventSource(queue, {
        batchSize: DELIVER_BATCH_SIZE,
        maxConcurrency: config.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.api = new HttpApi(this, 'Api', {
      apiName: `userflow-bridge-${env}`,
      description: 'userflow-bridge webhook endpoint',
      createDefaultStage: false,
    });
    const ingestIntegration = new HttpLambdaIntegration('IngestIntegration', this.ingest.fn);
    const routes = [
      ...this.api.addRoutes({
        path: '/webhooks/{source}',
        methods: [HttpMethod.POST],
        integration: ingestIntegration,
      }),
      ...this.api.addRoutes({ path: '/healthz', methods: [HttpMethod.GET], integration: ingestIntegration }),
    ];
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Webhook senders cannot use IAM, Cognito or JWT auth; ingest verifies each request signature ' +
          '(Stripe, HubSpot, Standard Webhooks, HMAC) and /healthz exposes nothing.',
      });
    }
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'ApiStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttlingRateLimit, burstLimit: config.throttlingBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    this.alarms = new BridgeAlarms(this, 'Alarms', {
      queue,
      dlq,
      deliver: this.deliver.fn,
      deliverServiceName: SERVICE_NAMES.deliver,
      oldestMessageAgeMinutes: config.oldestMessageAgeAlarmMinutes,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });

    new CfnOutput(this, 'WebhookBaseUrl', {
      description: 'POST /webhooks/{source} here',
      value: `${this.stage.url}webhooks/`,
    });
    new CfnOutput(this, 'QueueUrl', { value: queue.queueUrl });
    new CfnOutput(this, 'DlqUrl', { value: dlq.queueUrl });
    new CfnOutput(this, 'WebhookSecretsName', { value: this.webhookSecrets.secretName });
    new CfnOutput(this, 'UserflowApiKeySecretName', { value: this.userflowApiKey.secretName });
  }
}

/** One JSON object per request; no headers or bodies, so no signature or payload ever lands in the access log. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
};
