// The trail's configuration (ingest, delivery and local mode read the same variables), through zod.
import * as z from 'zod';
import { DEFAULT_TRAIL_BODY_LIMIT_BYTES, DEFAULT_TRAIL_RETENTION_DAYS } from '../trail/capture.ts';
import { DYNAMODB_TABLE_NAME } from '../trail/open.ts';
import { type Env, readEnv } from './read-env.ts';

const positiveInt = z.coerce.number().int().positive();

export const trailEnvSchema = z.object({
  /** Bodies up to this size are stored; larger ones keep only their SHA-256 and size. */
  TRAIL_BODY_LIMIT_BYTES: positiveInt.max(6 * 1024 * 1024).default(DEFAULT_TRAIL_BODY_LIMIT_BYTES),
  /** Records expire this many days after they were written. */
  TRAIL_RETENTION_DAYS: positiveInt.max(3650).default(DEFAULT_TRAIL_RETENTION_DAYS),
});

export interface TrailConfig {
  bodyLimitBytes: number;
  retentionDays: number;
}

export function readTrailConfig(env: Env): TrailConfig {
  const e = readEnv(trailEnvSchema.loose(), env, 'trail configuration');
  return { bodyLimitBytes: e.TRAIL_BODY_LIMIT_BYTES, retentionDays: e.TRAIL_RETENTION_DAYS };
}

export const trailTableEnvSchema = z.object({
  /** The stack's Trail table; unset, the functions keep no trail (the queue stays the source of truth). */
  TRAIL_TABLE_NAME: z.string().regex(DYNAMODB_TABLE_NAME, 'a DynamoDB table name').optional(),
});

export function readTrailTableName(env: Env): string | undefined {
  return readEnv(trailTableEnvSchema.loose(), env, 'trail configuration').TRAIL_TABLE_NAME;
}
