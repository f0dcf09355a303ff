// `start` flags → BridgeOptions: each flag falls back to its environment variable, then to its default.

import type { Env } from '../config/read-env.ts';
import type { BridgeOptions } from '../local/bridge.ts';
import { DEFAULT_LOCAL_DIR, DEFAULT_RULES_DIR } from '../local/layout.ts';
import type { QueueKind } from '../local/local-queues.ts';
import type { LoggerOptions } from '../logger.ts';
import { DEFAULT_USERFLOW_RATE_LIMIT } from '../policy.ts';
import { UsageError } from './exit.ts';

export interface StartFlags {
  port?: string;
  host?: string;
  rules?: string;
  localDir?: string;
  envFile?: string;
  queue?: string;
  queueUrl?: string;
  dlqUrl?: string;
  syncQueueUrl?: string;
  syncDlqUrl?: string;
  maxConcurrency?: string;
  rateLimit?: string;
  syncShare?: string;
  visibilityTimeout?: string;
  sandboxPort?: string;
  seed?: string;
  sandbox?: boolean;
  region?: string;
  publicUrl?: string;
  watch?: boolean;
  quiet?: boolean;
  logLevel?: string;
}

export const START_DEFAULTS = {
  port: 8787,
  host: '127.0.0.1',
  sandboxPort: 8788,
  rateLimit: DEFAULT_USERFLOW_RATE_LIMIT,
  syncShare: 0.1,
  maxConcurrency: 2,
  visibilityTimeout: 30,
  logLevel: 'WARN',
} as const;

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
type LogLevel = NonNullable<LoggerOptions['level']>;

type Resolved = Omit<BridgeOptions, 'env' | 'cwd' | 'print' | 'printProblem'>;

/** `env` is the process environment over `.env` (the flags' fallbacks); throws UsageError naming the flag. */
export function resolveStartOptions(flags: StartFlags, env: Env): Resolved {
  const pick = (flag: string | undefined, variable: string) => flag ?? nonEmpty(env[variable]);
  const queue = queueKind(flags.queue ?? 'local');
  const queueUrl = pick(flags.queueUrl, 'QUEUE_URL');
  if (queue === 'sqs' && !queueUrl) throw new UsageError('--queue sqs needs --queue-url (or QUEUE_URL)');
  if (queue !== 'sqs') {
    for (const [flag, value] of [
      ['--queue-url', flags.queueUrl],
      ['--dlq-url', flags.dlqUrl],
      ['--sync-queue-url', flags.syncQueueUrl],
      ['--sync-dlq-url', flags.syncDlqUrl],
    ] as const) {
      if (value !== undefined) throw new UsageError(`${flag} needs --queue sqs`);
    }
  }
  const region = pick(flags.region, 'USERFLOW_REGION');
  if (region !== undefined && region !== 'us' && region !== 'eu') {
    throw new UsageError(`--region must be us or eu, got '${region}'`);
  }
  const logLevel = (pick(flags.logLevel, 'LOG_LEVEL') ?? START_DEFAULTS.logLevel).toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  }
  const publicUrl = pick(flags.publicUrl, 'PUBLIC_BASE_URL');
  if (publicUrl !== undefined && !URL.canParse(publicUrl)) {
    throw new UsageError(`--public-url must be a URL, got '${publicUrl}'`);
  }
  const host = flags.host ?? START_DEFAULTS.host;
  const syncShare = number('--sync-share', pick(flags.syncShare, 'SYNC_SHARE'), START_DEFAULTS.syncShare, {
    min: 0,
    below: 1,
  });

  return {
    host,
    port: port('--port', pick(flags.port, 'PORT'), START_DEFAULTS.port),
    rulesDir: pick(flags.rules, 'RULES_DIR') ?? DEFAULT_RULES_DIR,
    localDir: flags.localDir ?? DEFAULT_LOCAL_DIR,
    envFile: flags.envFile ?? '.env',
    queue: {
      kind: queue,
      ...optional('queueUrl', queueUrl),
      ...optional('dlqUrl', queue === 'sqs' ? pick(flags.dlqUrl, 'DLQ_URL') : undefined),
      ...optional('syncQueueUrl', queue === 'sqs' ? pick(flags.syncQueueUrl, 'SYNC_QUEUE_URL') : undefined),
      ...optional('syncDlqUrl', queue === 'sqs' ? pick(flags.syncDlqUrl, 'SYNC_DLQ_URL') : undefined),
    },
    budget: {
      limitPerSecond: number(
        '--rate-limit',
        pick(flags.rateLimit, 'USERFLOW_RATE_LIMIT'),
        START_DEFAULTS.rateLimit,
        { above: 0 },
      ),
      syncShare,
      maxConcurrency: integer(
        '--max-concurrency',
        pick(flags.maxConcurrency, 'MAX_CONCURRENCY'),
        START_DEFAULTS.maxConcurrency,
        1,
        1000,
      ),
    },
    visibilityTimeoutSeconds: integer(
      '--visibility-timeout',
      flags.visibilityTimeout,
      START_DEFAULTS.visibilityTimeout,
      1,
      43_200,
    ),
    sandbox: {
      host: '127.0.0.1',
      port: port('--sandbox-port', pick(flags.sandboxPort, 'SANDBOX_PORT'), START_DEFAULTS.sandboxPort),
      seed: flags.seed ?? 'samples',
      force: Boolean(flags.sandbox),
    },
    ...(region ? { region } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    watch: flags.watch !== false,
    quiet: Boolean(flags.quiet),
    logLevel: logLevel as LogLevel,
    // Asked for by level: JSON lines to parse. Otherwise warnings and errors read as lines among the live ones.
    structuredLogs: pick(flags.logLevel, 'LOG_LEVEL') !== undefined,
  };
}

function queueKind(value: string): QueueKind {
  if (value === 'local' || value === 'sqlite') return 'local';
  if (value === 'sqs' || value === 'emulator') return value;
  throw new UsageError(`--queue must be local, sqs or emulator, got '${value}'`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function port(flag: string, raw: string | undefined, fallback: number): number {
  return integer(flag, raw, fallback, 0, 65_535);
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

function number(
  flag: string,
  raw: string | undefined,
  fallback: number,
  range: { min?: number; above?: number; below?: number },
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const ok =
    raw.trim() !== '' &&
    Number.isFinite(value) &&
    (range.min === undefined || value >= range.min) &&
    (range.above === undefined || value > range.above) &&
    (range.below === undefined || value < range.below);
  if (!ok) {
    const bounds = [
      range.min !== undefined ? `≥ ${range.min}` : '',
      range.above !== undefined ? `> ${range.above}` : '',
      range.below !== undefined ? `< ${range.below}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    throw new UsageError(`${flag} must be a number ${bounds}, got '${raw}'`);
  }
  return value;
}
