// The sync function's configuration, read once at cold start from the environment through zod (the sync files
// are loaded by lib/sync/sync-files.ts).
import * as z from 'zod';
import { type Env, readEnv } from './read-env.ts';

const positiveInt = z.coerce.number().int().positive();

export const syncEnvSchema = z.object({
  /** Directory of sync files bundled with the function; default: `syncs` next to the bundle. */
  SYNC_FILES_DIR: z.string().min(1).optional(),
  /** The sync FIFO queue (its own, so sync traffic never starves live webhooks). */
  SYNC_QUEUE_URL: z.url(),
  /** DynamoDB table of sync state and runs (partition key `pk`, sort key `sk`, TTL `expires_at`). */
  SYNC_STATE_TABLE: z.string().min(1),
  /** Secrets Manager id (name or ARN) of ONE secret: a JSON object of connection secret name → postgres:// URL. */
  SYNC_SECRETS_ID: z.string().min(1),
  SYNC_SECRETS_MAX_AGE_SECONDS: positiveInt.max(3600).default(300),
  /** Days a run record stays in the state table (entity state never expires). */
  SYNC_RUN_RETENTION_DAYS: positiveInt.default(90),
  SYNC_CONNECT_TIMEOUT_MS: positiveInt.default(10_000),
  /** Endpoint overrides (emulators). */
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
  AWS_ENDPOINT_URL_SECRETS_MANAGER: z.url().optional(),
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
});

export interface SyncConfig {
  filesDir: string;
  queue: { url: string; endpoint?: string };
  state: { tableName: string; runRetentionDays: number; endpoint?: string };
  secrets: { secretId: string; maxAgeSeconds: number; endpoint?: string };
  connectTimeoutMs: number;
}

export function readSyncConfig(env: Env, defaults: { filesDir: string }): SyncConfig {
  const e = readEnv(syncEnvSchema, env, 'sync configuration');
  return {
    filesDir: e.SYNC_FILES_DIR ?? defaults.filesDir,
    queue: { url: e.SYNC_QUEUE_URL, ...endpoint(e.AWS_ENDPOINT_URL_SQS) },
    state: {
      tableName: e.SYNC_STATE_TABLE,
      runRetentionDays: e.SYNC_RUN_RETENTION_DAYS,
      ...endpoint(e.AWS_ENDPOINT_URL_DYNAMODB),
    },
    secrets: {
      secretId: e.SYNC_SECRETS_ID,
      maxAgeSeconds: e.SYNC_SECRETS_MAX_AGE_SECONDS,
      ...endpoint(e.AWS_ENDPOINT_URL_SECRETS_MANAGER),
    },
    connectTimeoutMs: e.SYNC_CONNECT_TIMEOUT_MS,
  };
}

function endpoint(url: string | undefined): { endpoint?: string } {
  return url ? { endpoint: url } : {};
}
