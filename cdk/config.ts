// Deployment settings of the stack (CDK context or props), checked with zod before anything is built.
import * as z from 'zod';
import { ConfigError } from '../lib/errors.ts';
import { DEFAULT_USERFLOW_RATE_LIMIT } from '../lib/policy.ts';

/** Retention periods CloudWatch Logs accepts (days); anything else is rejected at deploy time, so reject it here. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Records per SQS batch handed to deliver (the event source mapping's batchSize; SQS's own maximum). */
export const DELIVER_BATCH_SIZE = 10;
/** Deliver's Lambda timeout; the queue's visibility timeout is derived from it (queues.ts). */
export const DELIVER_TIMEOUT_SECONDS = 60;
/** Userflow calls one record may need in the worst case: an identity lookup plus the command itself. */
const CALLS_PER_RECORD = 2;
/** A full batch must fit into half the timeout at the per-consumer rate, leaving room for slow responses. */
const BATCH_BUDGET_SECONDS = DELIVER_TIMEOUT_SECONDS / 2;

const SCHEDULE_EXPRESSION = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+( \S+){5}\))$/;

// `cdk synth -c maxConcurrency=5` hands the value over as a string; cdk.json and props give numbers.
const numeric = (schema: z.ZodNumber) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), schema);

export const bridgeConfigSchema = z.object({
  /** Names the stack and every physical name (secrets); one stack per environment. */
  environmentName: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'use 1-20 lower-case letters, digits or dashes, starting with a letter')
    .default('dev'),
  /** Which Userflow API host the environment lives on (api.userflow.com or api.eu.userflow.com). */
  userflowRegion: z.enum(['us', 'eu']).default('us'),
  /** Userflow's limit is account-wide: the ceiling shared by every deliver instance, in requests/s. */
  userflowRateLimit: numeric(z.number().positive().max(10_000)).default(DEFAULT_USERFLOW_RATE_LIMIT),
  /** Deliver instances the SQS event source may run at once (Lambda accepts 2..1000). */
  maxConcurrency: numeric(z.number().int().min(2).max(1000)).default(2),
  /** Alarm notifications go to an SNS topic with this email subscribed; no topic without it. */
  alarmEmail: z.email().optional(),
  /** API Gateway stage throttling: steady requests/s and burst, so a flood cannot run up the bill. */
  throttlingRateLimit: numeric(z.number().positive().max(100_000)).default(50),
  throttlingBurstLimit: numeric(z.number().int().positive().max(100_000)).default(100),
  /**
   * Lambda concurrency reserved for ingest, so a busy deliver or sync cannot starve webhooks of the account's
   * pool. Unset by default: an account keeps at least 100 unreserved, and new accounts may have only 10 in all.
   */
  ingestReservedConcurrency: numeric(z.number().int().min(1).max(1000)).optional(),
  /**
   * Per-source throttles, by source name. Every source of the rule files gets its own route, so each has the
   * stage's rate and burst to itself (HTTP API throttles per route) and an unsigned flood at one source cannot
   * crowd out another; a source named here gets this rate and burst instead.
   */
  sourceThrottles: z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a source name'),
      z.strictObject({
        rateLimit: numeric(z.number().positive().max(100_000)),
        burstLimit: numeric(z.number().int().positive().max(100_000)),
      }),
    )
    .default({}),
  /** Rule files validated and bundled with ingest at synth; relative to the project root. */
  rulesDir: z.string().min(1).default('rules'),
  logRetentionDays: numeric(
    z.number().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
    }),
  ).default(30),
  /** Alarm when the oldest queued command waits longer than this (Userflow outage or stuck group). */
  oldestMessageAgeAlarmMinutes: numeric(
    z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  ).default(15),
  /**
   * Sync files (`userflow-bridge sync`) to deploy, e.g. `syncs`: each gets a schedule, and the stack adds the
   * sync path. Unset: no sync path (the shipped syncs/example.yaml is a local quick-start).
   */
  syncDir: z.string().min(1).optional(),
  /** When each deployed sync runs (EventBridge Scheduler `rate(…)` or `cron(…)`, UTC). */
  syncSchedule: z
    .string()
    .regex(
      SCHEDULE_EXPRESSION,
      'use an EventBridge Scheduler expression like rate(1 hour) or cron(0 3 * * ? *)',
    )
    .default('rate(1 hour)'),
  /**
   * The RulesSkipped alarm fires when more rules than this skip (matched, but a value evaluated to nothing)
   * within 5 minutes, summed over every source and rule.
   */
  rulesSkippedAlarmThreshold: numeric(z.number().int().min(0).max(1_000_000)).default(10),
  /**
   * The sync path's minimum share of the one Userflow budget while it has work. Webhooks go first and take the
   * rest, plus whatever sync leaves unused; sync takes everything webhooks leave. Higher than the budget's own
   * default (0.1) because each of the two sync consumers must still finish a batch in time at this floor
   * (rateProblems): at the default 10 requests/s, 0.1 would leave each 0.5 calls/s.
   */
  syncRateShare: numeric(z.number().min(0.05).max(0.9)).default(0.3),
  /**
   * Watch files (`userflow-bridge watch`) to deploy, e.g. `watches`: each gets a schedule at its own rate, and
   * the stack adds the watch function and its state table. Unset: none.
   */
  watchDir: z.string().min(1).optional(),
});

export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;
export type BridgeConfigInput = z.input<typeof bridgeConfigSchema>;

/** The context keys read by `configFromContext` (also the keys of `BridgeConfig`). */
export const CONFIG_KEYS = Object.keys(bridgeConfigSchema.shape) as readonly (keyof BridgeConfig)[];

/** Instances the sync path's event source mapping may run (Lambda's minimum; sync is a background trickle). */
export const SYNC_MAX_CONCURRENCY = 2;

/** The rates each path is sure of when both are busy (either may take more while the other is idle). */
export interface RateShares {
  /** requests/s the webhook path keeps while sync takes its minimum share. */
  live: number;
  /** requests/s the sync path keeps while webhooks are busy, when there is one. */
  sync?: number;
}

/** The budget's worst case for each path: sync keeps its minimum share, webhooks the rest. */
export function rateShares(config: BridgeConfig, withSync: boolean): RateShares {
  if (!withSync) return { live: config.userflowRateLimit };
  const sync = config.userflowRateLimit * config.syncRateShare;
  return { live: config.userflowRateLimit - sync, sync };
}

/**
 * Validates settings, naming every bad key in one `ConfigError` (one synth run shows all the problems).
 * `withSync`: whether the stack gets a sync path, which takes part of the rate.
 */
export function parseBridgeConfig(
  input: Record<string, unknown>,
  options: { withSync?: boolean } = {},
): BridgeConfig {
  const result = bridgeConfigSchema.safeParse(input);
  const problems = result.success
    ? rateProblems(result.data, options.withSync ?? false)
    : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError('invalid userflow-bridge stack configuration', problems);
}

/** Each deliver instance must get enough calls/s to finish a batch well within its timeout. */
function rateProblems(config: BridgeConfig, withSync: boolean): string[] {
  const shares = rateShares(config, withSync);
  const problems: string[] = [];
  const check = (key: string, rate: number, consumers: number, what: string) => {
    const perConsumer = rate / consumers;
    if ((DELIVER_BATCH_SIZE * CALLS_PER_RECORD) / perConsumer <= BATCH_BUDGET_SECONDS) return;
    problems.push(
      `${key}: each of ${consumers} ${what} consumers would get ${perConsumer.toFixed(2)} Userflow calls/s, ` +
        `too slow for a batch of ${DELIVER_BATCH_SIZE} within ${BATCH_BUDGET_SECONDS} s; ` +
        `lower ${key} or raise userflowRateLimit`,
    );
  };
  check('maxConcurrency', shares.live, config.maxConcurrency, 'webhook');
  if (shares.sync !== undefined) check('syncRateShare', shares.sync, SYNC_MAX_CONCURRENCY, 'sync');
  return problems;
}

/** Picks the known keys out of CDK context (`tryGetContext`), so feature flags and other keys are ignored. */
export function configFromContext(tryGetContext: (key: string) => unknown): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = tryGetContext(key);
    if (value !== undefined && value !== '') input[key] = value;
  }
  return input;
}
