// The deliver function's configuration, read once at cold start from the environment through zod.
import * as z from 'zod';
import { type BudgetClass, budgetClassSchema } from '../budget/classes.ts';
import {
  DEFAULT_USERFLOW_RATE_LIMIT,
  RETRY_BASE_MS,
  RETRY_CAP_SECONDS,
  TRACK_EVENT_IDEMPOTENCY_TTL_SECONDS,
  timeoutHoldMs,
  USERFLOW_TIMEOUT_MS,
} from '../policy.ts';
import { type BudgetConfig, budgetConfig, budgetEnvShape } from './budget.ts';
import { type Env, readEnv } from './read-env.ts';
import { type UserflowAccess, userflowAccess } from './userflow-access.ts';

const positiveInt = z.coerce.number().int().positive();

export const deliverEnvSchema = z
  .object({
    /** The command queue (FIFO): failed records get their visibility changed here. */
    QUEUE_URL: z.url(),
    /** Where permanent failures go, with their reason as message attributes. */
    DLQ_URL: z.url(),
    /** Secrets Manager id (name or ARN) of the Userflow API key; the value is cached for USERFLOW_API_KEY_MAX_AGE_SECONDS. */
    USERFLOW_API_KEY_SECRET_ID: z.string().min(1).optional(),
    /** The key itself (local runs); give this or USERFLOW_API_KEY_SECRET_ID. */
    USERFLOW_API_KEY: z.string().min(1).optional(),
    USERFLOW_API_KEY_MAX_AGE_SECONDS: positiveInt.default(300),
    USERFLOW_REGION: z.enum(['us', 'eu']).default('us'),
    /** Overrides the region's base URL (the sandbox, a proxy). */
    USERFLOW_API_URL: z.url().optional(),
    USERFLOW_TIMEOUT_MS: positiveInt.default(USERFLOW_TIMEOUT_MS),
    /** Absent BUDGET_TABLE: each consumer takes its own slice of USERFLOW_RATE_LIMIT. */
    ...budgetEnvShape,
    /** This function's class in the budget (the stack sets it per queue). */
    BUDGET_CLASS: budgetClassSchema.default('live'),
    /** The event source mapping's maximum concurrency; each consumer takes USERFLOW_RATE_LIMIT ÷ this. */
    MAX_CONCURRENCY: positiveInt.default(2),
    /** DynamoDB table of delivered track_event ids. */
    IDEMPOTENCY_TABLE: z.string().min(1),
    IDEMPOTENCY_TTL_SECONDS: positiveInt.default(TRACK_EVENT_IDEMPOTENCY_TTL_SECONDS),
    /** How a `user_lookup` on an attribute other than email finds the user (see lib/deliver/user-lookup.ts). */
    USERFLOW_LOOKUP_FILTER: z.enum(['query', 'scan']).default('query'),
    USERFLOW_LOOKUP_TTL_SECONDS: positiveInt.default(60),
    /** A 404 on remove_membership/delete_*: `gone` = done (the default), `fail` = dead-letter. */
    USERFLOW_DELETE_NOT_FOUND: z.enum(['gone', 'fail']).default('gone'),
    RETRY_BASE_MS: positiveInt.default(RETRY_BASE_MS),
    RETRY_CAP_SECONDS: positiveInt.max(43_200).default(RETRY_CAP_SECONDS),
    /**
     * After a Userflow call timed out, how long its user's commands wait before the retry (the request may still
     * land meanwhile). Default: USERFLOW_TIMEOUT_MS + 5 000; never less than USERFLOW_TIMEOUT_MS.
     */
    TIMEOUT_HOLD_MS: positiveInt.max(43_200_000).optional(),
  })
  .refine((env) => (env.USERFLOW_API_KEY === undefined) !== (env.USERFLOW_API_KEY_SECRET_ID === undefined), {
    message: 'set exactly one of USERFLOW_API_KEY and USERFLOW_API_KEY_SECRET_ID',
    path: ['USERFLOW_API_KEY_SECRET_ID'],
  })
  .refine((env) => env.TIMEOUT_HOLD_MS === undefined || env.TIMEOUT_HOLD_MS >= env.USERFLOW_TIMEOUT_MS, {
    message:
      'must be at least USERFLOW_TIMEOUT_MS: a timed-out request may land that long after it was given up',
    path: ['TIMEOUT_HOLD_MS'],
  });

/** The per-consumer limiter's account limit when none is set and there is no budget table. */
export const DEFAULT_RATE_LIMIT = DEFAULT_USERFLOW_RATE_LIMIT;

export type DeliverEnv = z.infer<typeof deliverEnvSchema>;

export interface DeliverConfig extends UserflowAccess {
  queueUrl: string;
  dlqUrl: string;
  rate: { limitPerSecond: number; maxConcurrency: number };
  /** The shared budget, when the stack gives a table; `ceilingPerSecond` only when USERFLOW_RATE_LIMIT is set. */
  budget?: BudgetConfig & { budgetClass: BudgetClass };
  idempotency: { tableName: string; ttlSeconds: number };
  lookup: { strategy: 'query' | 'scan'; ttlMs: number };
  deleteNotFound: 'gone' | 'fail';
  backoff: { baseMs: number; capMs: number };
  /** How long a timed-out call's group waits before its retry (ms). */
  timeoutHoldMs: number;
}

export function readDeliverConfig(env: Env): DeliverConfig {
  const e = readEnv(deliverEnvSchema, env, 'deliver configuration');
  const budget = budgetConfig(e);
  return {
    queueUrl: e.QUEUE_URL,
    dlqUrl: e.DLQ_URL,
    ...userflowAccess(e),
    rate: { limitPerSecond: e.USERFLOW_RATE_LIMIT ?? DEFAULT_RATE_LIMIT, maxConcurrency: e.MAX_CONCURRENCY },
    ...(budget ? { budget: { ...budget, budgetClass: e.BUDGET_CLASS } } : {}),
    idempotency: { tableName: e.IDEMPOTENCY_TABLE, ttlSeconds: e.IDEMPOTENCY_TTL_SECONDS },
    lookup: { strategy: e.USERFLOW_LOOKUP_FILTER, ttlMs: e.USERFLOW_LOOKUP_TTL_SECONDS * 1000 },
    deleteNotFound: e.USERFLOW_DELETE_NOT_FOUND,
    backoff: { baseMs: e.RETRY_BASE_MS, capMs: e.RETRY_CAP_SECONDS * 1000 },
    timeoutHoldMs: timeoutHoldMs(e.USERFLOW_TIMEOUT_MS, e.TIMEOUT_HOLD_MS),
  };
}
