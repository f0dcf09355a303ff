// The ingest Lambda: API Gateway HTTP API → the Hono ingest app. Config, rules, clients and the secrets cache
// are built once per cold start; a rotated webhook secret is picked up when the cache expires, without a deploy.
import { fileURLToPath } from 'node:url';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { handle } from 'hono/aws-lambda';
// The YAML loader from source; in the bundle, the rule files pre-read at synth (lib/rules/load-pre-read.ts).
import { loadRules } from '#rules/load';
import { readIngestConfig } from '../lib/config/ingest.ts';
import { createDynamoDbPersistenceLayer, createDynamoDbReadinessCheck } from '../lib/idempotency/index.ts';
import { INGEST_KEY_PREFIX } from '../lib/ingest/dedupe.ts';
import { createIngestApp } from '../lib/ingest/index.ts';
import { powertoolsIngestMetrics } from '../lib/ingest/powertools-metrics.ts';
import { createLogger } from '../lib/logger.ts';
import { METRICS_NAMESPACE } from '../lib/metrics-namespace.ts';
import { createSqsQueue } from '../lib/queue/sqs/sqs-queue.ts';
import { secretsManagerSecretSource } from '../lib/secrets/secrets-manager.ts';
import { trailFromEnv } from './trail.ts';

// The bundle ships the rule files in `rules/` beside it (the CDK function copies them in).
const config = readIngestConfig(process.env, {
  rulesDir: fileURLToPath(new URL('./rules', import.meta.url)),
});
const logger = createLogger({ service: 'ingest' });
// An invalid rule file fails the cold start loudly (the ConfigError lists every problem) rather than a request.
const rules = await loadRules(config.rulesDir);
const queue = createSqsQueue({
  queueUrl: config.queue.url,
  client: config.queue.endpoint ? { endpoint: config.queue.endpoint } : {},
});

const app = createIngestApp({
  rules: () => rules,
  secrets: secretsManagerSecretSource({
    secretId: config.secrets.secretId,
    maxAgeSeconds: config.secrets.maxAgeSeconds,
    ...(config.secrets.endpoint ? { clientConfig: { endpoint: config.secrets.endpoint } } : {}),
  }),
  queue,
  // The DynamoDB client reads AWS_ENDPOINT_URL_DYNAMODB itself when an emulator is wanted.
  idempotency: createDynamoDbPersistenceLayer({ tableName: config.idempotency.tableName }),
  idempotencyTtlSeconds: config.idempotency.ttlSeconds,
  // GET /readyz: the calls a webhook needs, each bounded, so a hung queue or table answers 503, not a hang.
  readiness: {
    queue: () => queue.counts(),
    idempotency: createDynamoDbReadinessCheck({
      tableName: config.idempotency.tableName,
      keyPrefix: INGEST_KEY_PREFIX,
    }),
  },
  logger,
  // TrailWriteFailed and RulesSkipped, in the namespace the stack's alarms read.
  metrics: powertoolsIngestMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ingest' })),
  // The trail is awaited (bounded) before the answer: Lambda may freeze the process once it has answered.
  ...trailFromEnv(process.env),
  bodyLimitBytes: config.bodyLimitBytes,
  maxEventsPerRequest: config.maxEventsPerRequest,
  ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
});

logger.info('ingest ready', { sources: [...rules.sources.keys()], bodyLimitBytes: config.bodyLimitBytes });

export const handler = handle(app);
