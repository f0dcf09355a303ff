// The house Lambda construct: fixes runtime, architecture, bundling and logging once, and pairs env vars with grants.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import {
  type IGrantable,
  type IPrincipal,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The key prefixes of the idempotency records each function writes (`lib/ingest/dedupe.ts` INGEST_KEY_PREFIX,
 * `lib/deliver/effectively-once.ts` IDEMPOTENCY_KEY_PREFIX; a test keeps them equal). Written out rather than
 * imported so the synth does not load Powertools.
 */
export const IDEMPOTENCY_KEY_PREFIXES = { ingest: 'ingest', deliver: 'deliver.track_event' } as const;

/** A file placed in the function's bundle next to `index.mjs`: a copy (e.g. a rule file) or text made at synth. */
export type BundledFile =
  | {
      /** Absolute path on the synth machine. */
      readonly from: string;
      /** Path inside the bundle (forward slashes), e.g. `rules/stripe.yaml`. */
      readonly to: string;
    }
  | { readonly text: string; readonly to: string };

/**
 * The esbuild condition the bundles resolve package.json "imports" with: `#rules/load` is the pre-read rule loader
 * there (lib/rules/load-pre-read.ts), the YAML one everywhere else.
 */
export const LAMBDA_BUNDLE_CONDITION = 'lambda-bundle';

export interface BridgeFunctionProps {
  /** Absolute path of the TypeScript module that exports `handler`. */
  readonly entry: string;
  /** The package root: where package.json and package-lock.json live (esbuild resolves from here). */
  readonly projectRoot: string;
  readonly description: string;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` key of every log line and the metrics' `service` dimension. */
  readonly serviceName: string;
  readonly logRetention: RetentionDays;
  /** @default 512 — on arm64 more memory also means more CPU, which shortens cold starts. */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** Concurrency set aside for this function alone. @default none (the account's unreserved pool) */
  readonly reservedConcurrency?: number;
  /**
   * Bundle AWS SDK v3 instead of using the runtime's copy. Only for measuring the difference
   * (bench/cold-start.bench.ts); the stack leaves it to the runtime. @default false
   */
  readonly bundleAwsSdk?: boolean;
  /** Extra files to place in the bundle (written after esbuild). */
  readonly bundledFiles?: readonly BundledFile[];
}

/** Where Lambda unpacks the bundle; `/var/task/<to>` is the runtime path of a `BundledFile`. */
export const LAMBDA_TASK_ROOT = '/var/task';

/**
 * Node.js 24 on arm64, an ESM bundle built by the local esbuild (never Docker), AWS SDK v3 left to the runtime,
 * source maps on, JSON logs into an explicit log group with retention, and a role that may write only there.
 * `EnvName` is the set of variables the function's zod schemas read (lib/config/env-names.ts): the stack cannot set
 * a name the function does not read.
 */
export class BridgeFunction<EnvName extends string = string> extends Construct implements IGrantable {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly grantPrincipal: IPrincipal;

  constructor(scope: Construct, id: string, props: BridgeFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole, whose logs:* grants cover every log group.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(role);

    // Text files are written to a scratch directory only while the bundling below copies them.
    const scratch = mkdtempSync(join(tmpdir(), 'bridge-bundled-'));
    const copies = (props.bundledFiles ?? []).map((file, i) => {
      if ('from' in file) return file;
      const from = join(scratch, String(i));
      writeFileSync(from, file.text);
      return { from, to: file.to };
    });
    try {
      this.fn = this.bundledFunction(props, role, copies);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    this.grantPrincipal = role;
  }

  private bundledFunction(
    props: BridgeFunctionProps,
    role: Role,
    copies: readonly { from: string; to: string }[],
  ): NodejsFunction {
    return new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        // Stack traces point into the TypeScript sources via the bundled .map file.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        // BridgeError sets `name` from the class name; mangled names would break error names in logs.
        keepNames: true,
        esbuildArgs: { '--conditions': LAMBDA_BUNDLE_CONDITION },
        sourceMap: true,
        sourcesContent: false,
        // The nodejs24.x runtime ships AWS SDK v3; leaving it out shrinks the bundle (bench/cold-start.bench.ts).
        externalModules: props.bundleAwsSdk ? [] : ['@aws-sdk/*'],
        // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
        banner:
          "import { createRequire as __bridgeRequire } from 'node:module'; const require = __bridgeRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => copyCommands(copies, outputDir),
        },
      },
    });
  }

  /** A plain setting (no IAM behind it). */
  setEnv(name: EnvName, value: string): this {
    this.fn.addEnvironment(name, value);
    return this;
  }

  /** `name` = the queue URL; may send messages to it. */
  sendsTo(name: EnvName, queue: IQueue): this {
    this.fn.addEnvironment(name, queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /** `name` = the queue URL; may receive, delete and change the visibility of its messages. */
  consumes(name: EnvName, queue: IQueue): this {
    this.fn.addEnvironment(name, queue.queueUrl);
    queue.grantConsumeMessages(this);
    return this;
  }

  /** `name` = the secret's ARN; may read its value (and decrypt it). */
  readsSecret(name: EnvName, secret: ISecret): this {
    this.fn.addEnvironment(name, secret.secretArn);
    secret.grantRead(this);
    return this;
  }

  /** `name` = the table name; may read and write items, including queries and batches (the sync state store). */
  usesFullTable(name: EnvName, table: ITable): this {
    this.fn.addEnvironment(name, table.tableName);
    table.grantReadWriteData(this);
    return this;
  }

  /** `name` = the budget table's name; may read and conditionally replace its items, nothing else. */
  usesBudgetTable(name: string, table: ITable): this {
    this.fn.addEnvironment(name, table.tableName);
    this.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [table.tableArn] }),
    );
    return this;
  }

  /** `name` = the table name; may get, put, update and delete single items (what Powertools idempotency does). */
  /**
   * Item access to `table`, confined to the keys starting `<keyPrefix>#` (Powertools idempotency keys): ingest
   * and deliver share one table, and neither may read or overwrite the other's records.
   */
  usesItemTable(name: EnvName, table: ITable, keyPrefix: string): this {
    this.fn.addEnvironment(name, table.tableName);
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${keyPrefix}#*`] } },
      }),
    );
    return this;
  }

  /**
   * `name` = the trail table's name; may put items (singly and in batches) whose partition key starts with one
   * of `keyPrefixes` (TRAIL_WRITER_KEY_PREFIXES), and nothing else: no reads, no other writer's records.
   */
  writesTrail(name: EnvName, table: ITable, keyPrefixes: readonly string[]): this {
    this.fn.addEnvironment(name, table.tableName);
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keyPrefixes.map((p) => `${p}*`) },
        },
      }),
    );
    return this;
  }
}

function copyCommands(files: readonly { from: string; to: string }[], outputDir: string): string[] {
  const dirs = [...new Set(files.map((f) => parentOf(f.to)).filter((d) => d !== ''))];
  return [
    ...dirs.map((d) => `mkdir -p ${quote(`${outputDir}/${d}`)}`),
    ...files.map((f) => `cp ${quote(f.from)} ${quote(`${outputDir}/${f.to}`)}`),
  ];
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Single-quoted for sh; bundling runs the hooks through a shell. */
function quote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}
