// The sync Lambda: an EventBridge Scheduler `{ "sync": "<name>" }` → one run of that bundled sync file.
import { fileURLToPath } from 'node:url';
import { loadSyncFiles } from '#sync/load';
import { readSyncConfig } from '../lib/config/sync.ts';
import { createLogger } from '../lib/logger.ts';
import { createSqsQueue } from '../lib/queue/sqs/sqs-queue.ts';
import { secretsManagerSecretSource } from '../lib/secrets/secrets-manager.ts';
import { openDynamoDbStateStore } from '../lib/sync/dynamodb-state-store.ts';
import { createSyncHandler } from '../lib/sync/scheduled-run.ts';
import { trailFromEnv } from './trail.ts';

export { createSyncHandler };

const config = readSyncConfig(process.env, { filesDir: fileURLToPath(new URL('./syncs', import.meta.url)) });
const endpoint = (url?: string) => (url ? { endpoint: url } : {});
const { trail, trailConfig } = trailFromEnv(process.env);

export const handler = createSyncHandler({
  files: await loadSyncFiles(config.filesDir),
  secrets: secretsManagerSecretSource({
    secretId: config.secrets.secretId,
    maxAgeSeconds: config.secrets.maxAgeSeconds,
    ...(config.secrets.endpoint ? { clientConfig: { endpoint: config.secrets.endpoint } } : {}),
  }),
  queue: createSqsQueue({ queueUrl: config.queue.url, client: endpoint(config.queue.endpoint) }),
  state: openDynamoDbStateStore({
    tableName: config.state.tableName,
    runRetentionDays: config.state.runRetentionDays,
    client: endpoint(config.state.endpoint),
  }),
  logger: createLogger({ service: 'sync' }),
  connectTimeoutMs: config.connectTimeoutMs,
  ...(trail ? { trail } : {}),
  ...(trailConfig ? { trailRetentionDays: trailConfig.retentionDays } : {}),
});
