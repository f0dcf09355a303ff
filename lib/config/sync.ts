// The sync function's configuration, read once at cold start: the environment through zod, and the sync files.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { ConfigError } from '../errors.ts';
import { loadSyncFile, type SyncFile } from '../sync/sync-file.ts';
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

/**
 * Every `*.yaml`/`*.yml` in `dir`, by sync name (the file's `name`, else its base name): the name a schedule's
 * `{ "sync": "<name>" }` event gives. All are parsed at cold start, so a broken file fails the deploy's first
 * invocation loudly instead of one schedule at a time.
 */
export async function loadSyncFiles(dir: string): Promise<ReadonlyMap<string, SyncFile>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (error) {
    throw new ConfigError(`cannot read the sync files directory ${dir}`, [(error as Error).message], error);
  }
  const loaded = await Promise.allSettled(names.map((n) => loadSyncFile(join(dir, n))));
  const problems = loaded.flatMap((r) => (r.status === 'fulfilled' ? [] : problemsOf(r.reason)));
  if (problems.length) throw new ConfigError(`invalid sync files in ${dir}`, problems);
  const files = new Map<string, SyncFile>();
  for (const file of loaded.map((r) => (r as PromiseFulfilledResult<SyncFile>).value)) {
    const other = files.get(file.name);
    if (other) throw new ConfigError(`two sync files are named ${file.name}: ${other.path} and ${file.path}`);
    files.set(file.name, file);
  }
  return files;
}

const problemsOf = (error: unknown): readonly string[] =>
  error instanceof ConfigError && error.problems.length ? error.problems : [(error as Error).message];

function endpoint(url: string | undefined): { endpoint?: string } {
  return url ? { endpoint: url } : {};
}
