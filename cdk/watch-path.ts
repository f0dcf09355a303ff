// Onboarding watches in AWS: one EventBridge Scheduler schedule per watch file, the watch function, its state
// table and the secret holding the alerts' Slack URLs and webhook secrets. Added by BridgeStack with `watchDir`.
import { type CfnElement, Duration, RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { WatchFunctionEnvName } from '../lib/config/env-names.ts';
import { BridgeFunction, LAMBDA_TASK_ROOT } from './bridge-function.ts';
import { watchFileBundle } from './watch-files.ts';

export interface DeployedWatch {
  /** The watch's `name`: what its schedule sends as `{ "watch": name }`. */
  readonly name: string;
  /** Absolute path; bundled with the watch function under `watches/`. */
  readonly path: string;
  /** The file's `schedule`, e.g. `rate(1 hour)`. */
  readonly schedule: string;
}

export interface WatchPathProps {
  readonly environmentName: string;
  /** Absolute path of functions/watch.ts. */
  readonly watchEntry: string;
  readonly watchFiles: readonly DeployedWatch[];
  readonly projectRoot: string;
  readonly logRetention: RetentionDays;
  readonly userflowApiKey: ISecret;
  readonly userflowRegion: 'us' | 'eu';
}

export class WatchPath extends Construct {
  readonly stateTable: Table;
  readonly alertSecrets: Secret;
  readonly watchFunction: BridgeFunction<WatchFunctionEnvName>;
  readonly schedules: Schedule[];

  constructor(scope: Construct, id: string, props: WatchPathProps) {
    super(scope, id);

    // lib/watch/dynamodb-state.ts: one item per (watch, user, session) alerted.
    this.stateTable = new Table(this, 'StateTable', {
      partitionKey: { name: 'watch', type: AttributeType.STRING },
      sortKey: { name: 'target', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Losing it would alert every stalled user again.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // {"SLACK_WEBHOOK_URL": "https://hooks.slack.com/…", "ALERT_SECRET": "whsec_…"}; filled in by the operator.
    this.alertSecrets = new Secret(this, 'AlertSecrets', {
      secretName: `userflow-bridge/${props.environmentName}/watch-alerts`,
      description: 'Watch alert secrets: JSON object, secret name (as in the watch files) → value',
      secretStringValue: SecretValue.unsafePlainText('{}'),
    });
    Validations.of(this.alertSecrets).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Slack incoming-webhook URLs and receivers’ signing secrets are issued by those services and rotated there.',
    });

    this.watchFunction = new BridgeFunction<WatchFunctionEnvName>(this, 'Run', {
      projectRoot: props.projectRoot,
      logRetention: props.logRetention,
      entry: props.watchEntry,
      description: `userflow-bridge ${props.environmentName}: runs an onboarding watch and sends its alerts`,
      serviceName: 'watch',
      // Paging 10 000 sessions at the API's pace plus Slack's Retry-After waits fits well inside this.
      timeout: Duration.minutes(15),
      bundledFiles: watchFileBundle(props.watchFiles),
    });
    // Env vars functions/watch.ts reads (lib/config/watch.ts): the state table (get/put/query only), the alert
    // secrets and the Userflow key (read), and where the bundled watch files are.
    this.watchFunction
      .readsSecret('WATCH_SECRETS_ID', this.alertSecrets)
      .readsSecret('USERFLOW_API_KEY_SECRET_ID', props.userflowApiKey)
      .setEnv('USERFLOW_REGION', props.userflowRegion)
      .setEnv('WATCH_FILES_DIR', `${LAMBDA_TASK_ROOT}/watches`)
      .setEnv('WATCH_STATE_TABLE', this.stateTable.tableName);
    this.watchFunction.fn.addToRolePolicy(
      new PolicyStatement({
        // DeleteItem clears a finished run's cursor (the `#cursor` item).
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
        resources: [this.stateTable.tableArn],
      }),
    );

    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Lets EventBridge Scheduler start watch runs',
    });
    const fnId = Stack.of(this).getLogicalId(this.watchFunction.fn.node.defaultChild as CfnElement);
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
      reason: "The LambdaInvoke target also grants the watch function's versions and aliases (<arn>:*).",
    });
    this.schedules = props.watchFiles.map(
      (file) =>
        new Schedule(this, `Schedule-${file.name}`, {
          description: `userflow-bridge ${props.environmentName}: watch ${file.name}`,
          schedule: ScheduleExpression.expression(file.schedule),
          target: new LambdaInvoke(this.watchFunction.fn, {
            role: schedulerRole,
            input: ScheduleTargetInput.fromObject({ watch: file.name }),
            // A retry sends only what failed: sent alerts are in the state table.
            retryAttempts: 2,
            maxEventAge: Duration.hours(1),
          }),
        }),
    );
  }
}
