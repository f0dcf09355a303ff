// The agent tools in AWS: the principals table, the MCP function and its `POST /mcp` route with its own throttle.
import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { McpFunctionEnvName } from '../lib/config/env-names.ts';
import { BridgeFunction } from './bridge-function.ts';

export interface McpPathProps {
  readonly environmentName: string;
  readonly entry: string;
  readonly projectRoot: string;
  readonly logRetention: RetentionDays;
  readonly api: HttpApi;
  /** The live command queue: agent writes are ordered with webhook commands for the same user. */
  readonly queue: IQueue;
  readonly userflowApiKey: ISecret;
  readonly userflowRegion: 'us' | 'eu';
  /** Requests/s and burst of `POST /mcp`, apart from the webhook routes'. @default 5 and 10 */
  readonly throttle?: { rateLimit: number; burstLimit: number };
}

export const MCP_ROUTE_KEY = 'POST /mcp';

export class McpPath extends Construct {
  readonly principals: Table;
  readonly fn: BridgeFunction<McpFunctionEnvName>;
  readonly routes: HttpRoute[];
  /** For the stage's route settings (raw CloudFormation casing). */
  readonly routeSetting: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };

  constructor(scope: Construct, id: string, props: McpPathProps) {
    super(scope, id);
    this.principals = new Table(this, 'Principals', {
      partitionKey: { name: 'name', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Who may act is not data to lose with a stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.fn = new BridgeFunction<McpFunctionEnvName>(this, 'Function', {
      entry: props.entry,
      projectRoot: props.projectRoot,
      logRetention: props.logRetention,
      description: `userflow-bridge ${props.environmentName}: agent tools (MCP) over streamable HTTP`,
      serviceName: 'mcp',
      // A write with wait: true polls up to 20 s; API Gateway gives up at 30.
      timeout: Duration.seconds(28),
    });
    // Env vars the function reads (functions/mcp.ts): the table (read only; `principals --table` writes it),
    // the queue (send only), the Userflow API key (read).
    this.fn
      .setEnv('PRINCIPALS_TABLE', this.principals.tableName)
      .sendsTo('QUEUE_URL', props.queue)
      .readsSecret('USERFLOW_API_KEY_SECRET_ID', props.userflowApiKey)
      .setEnv('USERFLOW_REGION', props.userflowRegion);
    this.principals.grant(this.fn, 'dynamodb:Scan');

    this.routes = props.api.addRoutes({
      path: '/mcp',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('McpIntegration', this.fn.fn),
    });
    for (const route of this.routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'The function checks a bearer token (ufb_…) of its own on every request and answers 401.',
      });
    }
    // `userflow-bridge principals create <name> --table <this>` issues tokens for the deployed tools.
    new CfnOutput(this, 'PrincipalsTableName', { value: this.principals.tableName });
    const throttle = props.throttle ?? { rateLimit: 5, burstLimit: 10 };
    this.routeSetting = {
      ThrottlingRateLimit: throttle.rateLimit,
      ThrottlingBurstLimit: throttle.burstLimit,
    };
  }
}
