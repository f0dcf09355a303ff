// The ingest function's configuration, read once at cold start from the environment through zod.
import * as z from 'zod';
import { INGEST_IDEMPOTENCY_TTL_SECONDS, SENDER_RETRY_WINDOW_SECONDS } from '../policy.ts';
import { type Env, readEnv } from './read-env.ts';

const positiveInt = z.coerce.number().int().positive();

/** API Gateway and Lambda cap a request at 6 MB (less after base64), so a larger limit could never apply. */
const MAX_BODY_LIMIT_BYTES = 6 * 1024 * 1024;

export const ingestEnvSchema = z.object({
  /** The command queue (FIFO) every accepted command is sent to. */
  QUEUE_URL: z.url(),
  /** Secrets Manager id (name or ARN) of ONE secret: a JSON object keyed by the secret names rule files use. */
  WEBHOOK_SECRETS_ID: z.string().min(1),
  /** How long a fetched secrets document is reused; a rotated secret is live at most this long after the change. */
  WEBHOOK_SECRETS_MAX_AGE_SECONDS: positiveInt.max(3600).default(300),
  /** DynamoDB table of accepted sender event ids (Powertools idempotency). */
  IDEMPOTENCY_TABLE: z.string().min(1),
  /** At least the senders' retry window (Stripe retries for 3 days). */
  IDEMPOTENCY_TTL_SECONDS: positiveInt
    .min(SENDER_RETRY_WINDOW_SECONDS)
    .default(INGEST_IDEMPOTENCY_TTL_SECONDS),
  /** Directory of rule files; default: `rules` next to the bundle. */
  RULES_DIR: z.string().min(1).optional(),
  BODY_LIMIT_BYTES: positiveInt.max(MAX_BODY_LIMIT_BYTES).default(1024 * 1024),
  /**
   * Events one request may carry (a HubSpot batch); more is answered 413. Each event is a dedupe round trip and
   * a queue send, so an unbounded batch holds the function (and, locally, every other sender) for seconds.
   */
  MAX_EVENTS_PER_REQUEST: positiveInt.max(100_000).default(1_000),
  /** The public origin senders call, when it differs from the API Gateway domain (HubSpot signs the URL). */
  PUBLIC_BASE_URL: z.url().optional(),
  /** SQS endpoint override (an emulator). */
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
  /** Secrets Manager endpoint override (an emulator). */
  AWS_ENDPOINT_URL_SECRETS_MANAGER: z.url().optional(),
  /** DynamoDB endpoint override (an emulator). */
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
});

export type IngestEnv = z.infer<typeof ingestEnvSchema>;

export interface IngestConfig {
  queue: { url: string; endpoint?: string };
  secrets: { secretId: string; maxAgeSeconds: number; endpoint?: string };
  idempotency: { tableName: string; ttlSeconds: number; endpoint?: string };
  rulesDir: string;
  bodyLimitBytes: number;
  maxEventsPerRequest: number;
  publicBaseUrl?: string;
}

export function readIngestConfig(env: Env, defaults: { rulesDir: string }): IngestConfig {
  const e = readEnv(ingestEnvSchema, env, 'ingest configuration');
  return {
    queue: { url: e.QUEUE_URL, ...endpoint(e.AWS_ENDPOINT_URL_SQS) },
    secrets: {
      secretId: e.WEBHOOK_SECRETS_ID,
      maxAgeSeconds: e.WEBHOOK_SECRETS_MAX_AGE_SECONDS,
      ...endpoint(e.AWS_ENDPOINT_URL_SECRETS_MANAGER),
    },
    idempotency: {
      tableName: e.IDEMPOTENCY_TABLE,
      ttlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
      ...endpoint(e.AWS_ENDPOINT_URL_DYNAMODB),
    },
    rulesDir: e.RULES_DIR ?? defaults.rulesDir,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    maxEventsPerRequest: e.MAX_EVENTS_PER_REQUEST,
    ...(e.PUBLIC_BASE_URL ? { publicBaseUrl: e.PUBLIC_BASE_URL } : {}),
  };
}

function endpoint(url: string | undefined): { endpoint?: string } {
  return url ? { endpoint: url } : {};
}
