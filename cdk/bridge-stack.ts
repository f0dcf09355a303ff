import {
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { BUDGET_TABLE_KEY } from '../lib/budget/dynamodb-lease-store.ts';
import type { IngestEnvName } from '../lib/config/env-names.ts';
import { METRICS_NAMESPACE } from '../lib/metrics-namespace.ts';
import { TRAIL_WRITER_KEY_PREFIXES } from '../lib/trail/dynamodb-layout.ts';
import { AlarmTopic, type BridgeAlarms } from './bridge-alarms.ts';
import { BridgeDashboard } from './bridge-dashboard.ts';
import { BridgeFunction, IDEMPOTENCY_KEY_PREFIXES, LAMBDA_TASK_ROOT } from './bridge-function.ts';
import { type BridgeConfig, rateShares } from './config.ts';
import { DeliveryPipeline } from './delivery-pipeline.ts';
import type { DeliveryQueues } from './delivery-queues.ts';
import { MCP_ROUTE_KEY, McpPath } from './mcp-path.ts';
import { ingestRuleBundle } from './rule-files.ts';
import type { DeployedSync } from './sync-files.ts';
import { SYNC_SERVICE_NAME, SyncPath } from './sync-path.ts';
import { Trail } from './trail.ts';
import { type DeployedWatch, WatchPath } from './watch-path.ts';

export interface FunctionEntries {
  /** Absolute path of the ingest handler module (API Gateway v2 events). */
  readonly ingest: string;
  /** Absolute path of the deliver handler module (SQS batches → SQSBatchResponse). */
  readonly deliver: string;
  /** Absolute path of the sync handler module (scheduled `{ sync }` events); needed only with sync files. */
  readonly sync?: string;
  /** Absolute path of the MCP handler module (agent tools at `POST /mcp`); without it there is no MCP path. */
  readonly mcp?: string;
  /** Absolute path of the watch handler module (scheduled `{ watch }` events); needed only with watch files. */
  readonly watch?: string;
}

export interface BridgeStackProps extends StackProps {
  readonly config: BridgeConfig;
  /** The package root (package.json, package-lock.json); esbuild bundles from here. */
  readonly projectRoot: string;
  readonly entries: FunctionEntries;
  /** Absolute paths of the rule files, already validated; bundled with ingest under `rules/`. */
  readonly ruleFiles: readonly string[];
  /** The source names those files declare: each gets its own route and so its own throttle. @default none */
  readonly sources?: readonly string[];
  /** The sync files to deploy, already validated; any at all adds the sync path. @default none */
  readonly syncFiles?: readonly DeployedSync[];
  /** The watch files to deploy, already validated; any at all adds the watch path. @default none */
  readonly watchFiles?: readonly DeployedWatch[];
}

/** POWERTOOLS_SERVICE_NAME of each function: the `service` key of its logs and dimension of its metrics. */
export const SERVICE_NAMES = { ingest: 'ingest', deliver: 'deliver', syncDeliver: 'deliver-sync' } as const;

export class BridgeStack extends Stack {
  /** Untyped by env names here, so tests and tools treat the functions alike; each is set up with its own below. */
  readonly ingest: BridgeFunction;
  readonly dashboard: BridgeDashboard;
  /** The webhook delivery path's parts (one DeliveryPipeline; the sync path has its own). */
  readonly deliver: BridgeFunction;
  readonly queues: DeliveryQueues;
  /** The database-sync path, when `syncFiles` is not empty. */
  readonly sync?: SyncPath;
  /** The onboarding watches, when `watchFiles` is not empty. */
  readonly watches?: WatchPath;
  readonly alarmTopic?: AlarmTopic;
  readonly webhookSecrets: Secret;
  readonly userflowApiKey: Secret;
  readonly idempotencyTable: Table;
  /** The one Userflow budget (lib/budget): one item per Userflow environment, leased by every deliver function. */
  readonly budgetTable: Table;
  /** The event trail's table and alarms. */
  readonly trail: Trail;
  readonly api: HttpApi;
  /** The agent tools: principals table, MCP function, `POST /mcp`; present when `entries.mcp` is given. */
  readonly mcp?: McpPath;
  readonly stage: HttpStage;
  readonly alarms: BridgeAlarms;

  constructor(scope: Construct, id: string, props: BridgeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const env = config.environmentName;

    const syncFiles = props.syncFiles ?? [];
    const shares = rateShares(config, syncFiles.length > 0);
    this.alarmTopic = config.alarmEmail
      ? new AlarmTopic(this, 'AlarmTopic', { email: config.alarmEmail })
      : undefined;

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

    this.budgetTable = new Table(this, 'BudgetTable', {
      partitionKey: { name: BUDGET_TABLE_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // One small item: losing it only makes the budget discover the limit again.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.trail = new Trail(this, 'Trail', {
      rulesSkippedThreshold: config.rulesSkippedAlarmThreshold,
      ...(this.alarmTopic ? { alarmAction: this.alarmTopic.action } : {}),
    });

    const live = new DeliveryPipeline(this, 'Webhooks', {
      projectRoot: props.projectRoot,
      logRetention: config.logRetentionDays,
      entry: props.entries.deliver,
      description: `userflow-bridge ${env}: delivers webhook commands to Userflow`,
      serviceName: SERVICE_NAMES.deliver,
      userflowApiKey: this.userflowApiKey,
      userflowRegion: config.userflowRegion,
      // One budget: the whole limit is every path's ceiling, the classes share it (lib/budget/classes.ts).
      rateLimit: config.userflowRateLimit,
      budgetTable: this.budgetTable,
      budgetClass: 'live',
      syncShare: config.syncRateShare,
      maxConcurrency: config.maxConcurrency,
      idempotencyTable: this.idempotencyTable,
      oldestMessageAgeMinutes: config.oldestMessageAgeAlarmMinutes,
      ...(this.alarmTopic ? { alarmAction: this.alarmTopic.action } : {}),
    });
    this.queues = live.queues;
    this.deliver = live.deliver;
    this.alarms = live.alarms;
    const { queue, dlq } = this.queues;
    // Deliver records one attempt per Userflow call (TRAIL_TABLE_NAME; may put attempt items only).
    live.deliver.writesTrail('TRAIL_TABLE_NAME', this.trail.table, TRAIL_WRITER_KEY_PREFIXES.deliver);

    const common = {
      projectRoot: props.projectRoot,
      logRetention: config.logRetentionDays,
    };

    const ingest = new BridgeFunction<IngestEnvName>(this, 'Ingest', {
      ...common,
      entry: props.entries.ingest,
      description: `userflow-bridge ${env}: verifies webhooks, applies rules, enqueues commands`,
      serviceName: SERVICE_NAMES.ingest,
      // API Gateway gives up after 30 s; a webhook sender retries on our 5xx anyway.
      timeout: Duration.seconds(10),
      ...(config.ingestReservedConcurrency !== undefined
        ? { reservedConcurrency: config.ingestReservedConcurrency }
        : {}),
      // The rule files, and the same files as their YAML reads, which the bundle's loader uses (#rules/load).
      bundledFiles: ingestRuleBundle(props.ruleFiles),
    });
    // Env vars ingest reads (functions/ingest.ts):
    //   QUEUE_URL          command queue URL (may SendMessage)
    //   WEBHOOK_SECRETS_ID ARN of the webhook-secrets secret (may GetSecretValue)
    //   IDEMPOTENCY_TABLE  DynamoDB table name (may read/write items)
    //   RULES_DIR          directory of the bundled rule files inside the Lambda
    //   TRAIL_TABLE_NAME   the trail table (may put intake records and their pointers, nothing else)
    //   POWERTOOLS_METRICS_NAMESPACE  UserflowBridge (TrailWriteFailed, RulesSkipped)
    // /readyz needs no grant of its own: GetQueueAttributes comes with sending, and its idempotency probe reads
    // one key under ingest's own prefix.
    this.ingest = ingest;
    ingest
      .sendsTo('QUEUE_URL', queue)
      .readsSecret('WEBHOOK_SECRETS_ID', this.webhookSecrets)
      .usesItemTable('IDEMPOTENCY_TABLE', this.idempotencyTable, IDEMPOTENCY_KEY_PREFIXES.ingest)
      .writesTrail('TRAIL_TABLE_NAME', this.trail.table, TRAIL_WRITER_KEY_PREFIXES.ingest)
      .setEnv('RULES_DIR', `${LAMBDA_TASK_ROOT}/rules`)
      .setEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);

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
      // Readiness: asks the queue and the idempotency table (ingest's /readyz), so a probe sees a 503 first.
      ...this.api.addRoutes({ path: '/readyz', methods: [HttpMethod.GET], integration: ingestIntegration }),
    ];
    // A route per known source: API Gateway throttles per route, so one source's flood stays its own. Unknown
    // names still reach `/webhooks/{source}` (a 404), which has a throttle of its own.
    const sourceRoutes = (props.sources ?? []).flatMap((source) =>
      this.api.addRoutes({
        path: `/webhooks/${source}`,
        methods: [HttpMethod.POST],
        integration: ingestIntegration,
      }),
    );
    routes.push(...sourceRoutes);
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Webhook senders cannot use IAM, Cognito or JWT auth; ingest verifies each request signature ' +
          '(Stripe, HubSpot, Standard Webhooks, HMAC); /healthz and /readyz expose only ok/failing states.',
      });
    }
    const routeSettings: Record<string, unknown> = Object.fromEntries(
      Object.entries(config.sourceThrottles).map(([source, throttle]) => [
        `POST /webhooks/${source}`,
        // Raw CloudFormation JSON (the L1 types it as any), hence the casing.
        { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit },
      ]),
    );
    const unknownThrottled = Object.keys(config.sourceThrottles).filter(
      (s) => !(props.sources ?? []).includes(s),
    );
    if (unknownThrottled.length > 0) {
      throw new Error(`sourceThrottles names sources no rule file declares: ${unknownThrottled.join(', ')}`);
    }
    if (props.entries.mcp) {
      this.mcp = new McpPath(this, 'Mcp', {
        environmentName: env,
        entry: props.entries.mcp,
        ...common,
        api: this.api,
        queue,
        dlq,
        ruleFiles: props.ruleFiles,
        userflowApiKey: this.userflowApiKey,
        userflowRegion: config.userflowRegion,
      });
      routeSettings[MCP_ROUTE_KEY] = this.mcp.routeSetting;
      // Agents' reads take their turn in the one budget, with the deliver functions' ceiling and shares.
      this.mcp.fn
        .usesBudgetTable('BUDGET_TABLE', this.budgetTable)
        .setEnv('USERFLOW_RATE_LIMIT', String(config.userflowRateLimit))
        .setEnv('BUDGET_SYNC_SHARE', String(config.syncRateShare));
      // Every tool call is audited in the trail; `wait` and the bridge tools read it back.
      this.mcp.fn.writesTrail('TRAIL_TABLE_NAME', this.trail.table, TRAIL_WRITER_KEY_PREFIXES.agent);
      this.trail.table.grantReadData(this.mcp.fn.fn);
      const trailId = Stack.of(this).getLogicalId(this.trail.table.node.defaultChild as CfnElement);
      Validations.of(this.mcp.fn.fn.role as Construct).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${trailId}.Arn>/index/*]`,
        reason:
          "Reading the trail back (a tool call's outcome, an event's story) queries its indexes; the wildcard " +
          "covers the trail table's own indexes only.",
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
    if (Object.keys(routeSettings).length > 0) {
      const cfnStage = this.stage.node.defaultChild as CfnStage;
      cfnStage.routeSettings = routeSettings;
      // Route settings name route keys, which must exist when the stage is created.
      for (const route of [...sourceRoutes, ...(this.mcp?.routes ?? [])]) cfnStage.node.addDependency(route);
    }

    if (syncFiles.length > 0 && shares.sync !== undefined) {
      if (!props.entries.sync) throw new Error('sync files need entries.sync (functions/sync.ts)');
      this.sync = new SyncPath(this, 'Sync', {
        environmentName: env,
        syncEntry: props.entries.sync,
        syncFiles,
        schedule: config.syncSchedule,
        projectRoot: props.projectRoot,
        logRetention: config.logRetentionDays,
        deliverEntry: props.entries.deliver,
        userflowApiKey: this.userflowApiKey,
        userflowRegion: config.userflowRegion,
        rateLimit: config.userflowRateLimit,
        budgetTable: this.budgetTable,
        syncShare: config.syncRateShare,
        idempotencyTable: this.idempotencyTable,
        oldestMessageAgeMinutes: config.oldestMessageAgeAlarmMinutes,
        ...(this.alarmTopic ? { alarmAction: this.alarmTopic.action } : {}),
      });
      // Sync runs and the sync path's attempts land in the same trail, under their own key prefixes.
      this.sync.syncFunction
        .writesTrail('TRAIL_TABLE_NAME', this.trail.table, TRAIL_WRITER_KEY_PREFIXES.sync)
        .setEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);
      this.sync.pipeline.deliver.writesTrail(
        'TRAIL_TABLE_NAME',
        this.trail.table,
        TRAIL_WRITER_KEY_PREFIXES.deliver,
      );
      // bridge_dlq_list {"queue":"sync"} peeks at the sync path's dead letters too.
      this.mcp?.peeksDlq('SYNC_DLQ_URL', this.sync.pipeline.queues.dlq);
      new CfnOutput(this, 'SyncQueueUrl', {
        description: 'userflow-bridge sync run --queue sqs --queue-url <this>',
        value: this.sync.pipeline.queues.queue.queueUrl,
      });
      new CfnOutput(this, 'SyncDlqUrl', { value: this.sync.pipeline.queues.dlq.queueUrl });
      new CfnOutput(this, 'SyncConnectionsSecretName', { value: this.sync.connections.secretName });
      new CfnOutput(this, 'SyncStateTableName', { value: this.sync.stateTable.tableName });
    }

    const watchFiles = props.watchFiles ?? [];
    if (watchFiles.length > 0) {
      if (!props.entries.watch) throw new Error('watch files need entries.watch (functions/watch.ts)');
      this.watches = new WatchPath(this, 'Watches', {
        environmentName: env,
        watchEntry: props.entries.watch,
        watchFiles,
        projectRoot: props.projectRoot,
        logRetention: config.logRetentionDays,
        userflowApiKey: this.userflowApiKey,
        userflowRegion: config.userflowRegion,
      });
      this.watches.watchFunction
        .usesBudgetTable('BUDGET_TABLE', this.budgetTable)
        .setEnv('USERFLOW_RATE_LIMIT', String(config.userflowRateLimit))
        .setEnv('BUDGET_SYNC_SHARE', String(config.syncRateShare));
      // A session completed after its alert is noted in the trail (attempts prefix only).
      this.watches.watchFunction.writesTrail(
        'TRAIL_TABLE_NAME',
        this.trail.table,
        TRAIL_WRITER_KEY_PREFIXES.watch,
      );
      new CfnOutput(this, 'WatchAlertSecretsName', { value: this.watches.alertSecrets.secretName });
      new CfnOutput(this, 'WatchStateTableName', { value: this.watches.stateTable.tableName });
    }

    new CfnOutput(this, 'WebhookBaseUrl', {
      description: 'POST /webhooks/{source} here',
      value: `${this.stage.url}webhooks/`,
    });
    new CfnOutput(this, 'QueueUrl', { value: queue.queueUrl });
    new CfnOutput(this, 'TrailTableName', {
      description: 'userflow-bridge events list --trail dynamodb://<this>',
      value: this.trail.table.tableName,
    });
    new CfnOutput(this, 'DlqUrl', { value: dlq.queueUrl });
    new CfnOutput(this, 'WebhookSecretsName', { value: this.webhookSecrets.secretName });
    new CfnOutput(this, 'UserflowApiKeySecretName', { value: this.userflowApiKey.secretName });

    const sync = this.sync?.pipeline;
    this.dashboard = new BridgeDashboard(this, 'Dashboard', {
      dashboardName: `userflow-bridge-${env}`,
      paths: [
        { label: 'webhooks', queue, dlq, deliver: this.deliver.fn, serviceName: SERVICE_NAMES.deliver },
        ...(sync
          ? [
              {
                label: 'sync',
                queue: sync.queues.queue,
                dlq: sync.queues.dlq,
                deliver: sync.deliver.fn,
                serviceName: SYNC_SERVICE_NAME,
              },
            ]
          : []),
      ],
      ingest: this.ingest.fn,
      api: this.api,
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=userflow-bridge-${env}`,
    });
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
