// The deliver function's tuning variables, read the same way locally, so `start` behaves as the Lambda configured alike.
import * as z from 'zod';
import { deliverEnvSchema } from '../config/deliver.ts';
import { type Env, readEnv } from '../config/read-env.ts';
import type { DeliverDeps } from '../deliver/index.ts';
import { timeoutHoldMs } from '../policy.ts';

const shape = deliverEnvSchema.shape;

/** The variables of lib/config/deliver.ts that make sense without AWS (queues and tables are local here). */
const tuningSchema = z.object({
  USERFLOW_TIMEOUT_MS: shape.USERFLOW_TIMEOUT_MS,
  USERFLOW_LOOKUP_FILTER: shape.USERFLOW_LOOKUP_FILTER,
  USERFLOW_LOOKUP_TTL_SECONDS: shape.USERFLOW_LOOKUP_TTL_SECONDS,
  USERFLOW_DELETE_NOT_FOUND: shape.USERFLOW_DELETE_NOT_FOUND,
  RETRY_BASE_MS: shape.RETRY_BASE_MS,
  RETRY_CAP_SECONDS: shape.RETRY_CAP_SECONDS,
  IDEMPOTENCY_TTL_SECONDS: shape.IDEMPOTENCY_TTL_SECONDS,
  TIMEOUT_HOLD_MS: shape.TIMEOUT_HOLD_MS,
});

export interface DeliverTuning
  extends Required<
    Pick<DeliverDeps, 'backoff' | 'lookup' | 'deleteNotFound' | 'idempotencyTtlSeconds' | 'timeoutHoldMs'>
  > {
  timeoutMs: number;
}

/** Throws a ConfigError naming each bad variable. */
export function readDeliverTuning(env: Env): DeliverTuning {
  const e = readEnv(tuningSchema, env, 'delivery settings');
  return {
    timeoutMs: e.USERFLOW_TIMEOUT_MS,
    lookup: { strategy: e.USERFLOW_LOOKUP_FILTER, ttlMs: e.USERFLOW_LOOKUP_TTL_SECONDS * 1000 },
    deleteNotFound: e.USERFLOW_DELETE_NOT_FOUND,
    backoff: { baseMs: e.RETRY_BASE_MS, capMs: e.RETRY_CAP_SECONDS * 1000 },
    idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
    timeoutHoldMs: timeoutHoldMs(e.USERFLOW_TIMEOUT_MS, e.TIMEOUT_HOLD_MS),
  };
}
