// The deliver Lambda: SQS FIFO batches → Userflow. Config at cold start, clients at module scope, logic in lib/deliver.
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { readDeliverConfig } from '../lib/config/deliver.ts';
import {
  apiKeyReader,
  createDeliverHandler,
  METRICS_NAMESPACE,
  rotatingClient,
} from '../lib/deliver/index.ts';
import { createDynamoDbPersistenceLayer } from '../lib/idempotency/index.ts';
import { createLogger } from '../lib/logger.ts';
import { createSqsQueue } from '../lib/queue/sqs/sqs-queue.ts';
import { UserflowClient } from '../lib/userflow/index.ts';
import { publishBudgetMetrics } from './budget-metrics.ts';
import { openSharedBudget } from './shared-budget.ts';
import { trailFromEnv } from './trail.ts';

const config = readDeliverConfig(process.env);
const service = process.env.POWERTOOLS_SERVICE_NAME ?? 'deliver';
const logger = createLogger({ service });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service });
const region = process.env.AWS_REGION;
const sqsConfig = region ? { region } : {};
const { trail, trailConfig } = trailFromEnv(process.env);

// One budget for every deliver function of the stack. Unreachable table: half of one consumer's slice of the
// ceiling, never unlimited.
const budget = config.budget
  ? openSharedBudget(config.budget, {
      fallbackPerSecond: config.rate.limitPerSecond / config.rate.maxConcurrency / 2,
      logger,
    })
  : undefined;
const gate = budget && config.budget ? budget.gate(config.budget.budgetClass) : undefined;

const deliver = createDeliverHandler({
  // The key is read through a cache (Secrets Manager in AWS), so a rotated key is used without a redeploy.
  client: rotatingClient(
    apiKeyReader(config.apiKey),
    (apiKey) => new UserflowClient({ apiKey, ...config.userflow }),
  ),
  queue: createSqsQueue({ queueUrl: config.queueUrl, client: sqsConfig }),
  dlq: createSqsQueue({ queueUrl: config.dlqUrl, client: sqsConfig }),
  idempotency: createDynamoDbPersistenceLayer({ tableName: config.idempotency.tableName }),
  logger,
  metrics,
  ...(gate ? { gate } : {}),
  rate: config.rate,
  backoff: config.backoff,
  lookup: config.lookup,
  deleteNotFound: config.deleteNotFound,
  idempotencyTtlSeconds: config.idempotency.ttlSeconds,
  timeoutHoldMs: config.timeoutHoldMs,
  ...(trail ? { trail } : {}),
  ...(trailConfig ? { trailRetentionDays: trailConfig.retentionDays } : {}),
});

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  try {
    return await deliver(event, context);
  } finally {
    if (budget && gate) publishBudgetMetrics(metrics, budget, gate);
  }
};
