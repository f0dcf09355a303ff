// `userflow-bridge start` (what `npm start` runs): the whole bridge locally, in one process, until Ctrl-C.
import type { Command } from 'commander';
import { DEFAULT_USERFLOW_RATE_LIMIT } from '../policy.ts';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'Run the bridge locally: webhook ingest, a durable queue, delivery, and a Userflow sandbox (Ctrl-C stops).',
    )
    .option('--port <n>', 'webhook port (env PORT; default 8787; 0 picks a free one)')
    .option('--host <host>', 'address to bind the webhook server (default 127.0.0.1)')
    .option('--rules <dir>', 'rule files, reloaded when they change (env RULES_DIR; default rules)')
    .option('--local-dir <dir>', 'where the queue, idempotency, audit log and sandbox state live', '.local')
    .option('--env-file <path>', 'file with secrets and settings, under the environment', '.env')
    .option(
      '--queue <kind>',
      'local: embedded durable SQLite queue (default) | sqs: any SQS endpoint | emulator: in-memory SQS emulator',
    )
    .option('--queue-url <url>', 'with --queue sqs: the FIFO webhook queue (env QUEUE_URL)')
    .option(
      '--dlq-url <url>',
      'with --queue sqs: its DLQ (env DLQ_URL; default: the embedded DLQ in --local-dir)',
    )
    .option('--sync-queue-url <url>', 'with --queue sqs: the FIFO database-sync queue (env SYNC_QUEUE_URL)')
    .option('--sync-dlq-url <url>', 'with --queue sqs: the sync queue DLQ (env SYNC_DLQ_URL)')
    .option(
      '--rate-limit <r>',
      `ceiling on Userflow requests per second, one budget for all consumers (env USERFLOW_RATE_LIMIT; default ${DEFAULT_USERFLOW_RATE_LIMIT}, Userflow's one public figure)`,
    )
    .option(
      '--sync-share <x>',
      "database sync's minimum share of the budget while it has work, 0 to <1 (env SYNC_SHARE; default 0.1)",
    )
    .option('--max-concurrency <n>', 'batches in flight per queue (env MAX_CONCURRENCY; default 2)')
    .option(
      '--visibility-timeout <s>',
      'seconds a received batch stays hidden; a crashed run’s batches return after it (default 30)',
    )
    .option(
      '--sandbox-port <n>',
      'Userflow sandbox port (env SANDBOX_PORT; default 8788; 0 picks a free one)',
    )
    .option(
      '--seed <seed>',
      "sandbox data on first start: samples (demo + the samples' user, default), demo, none, or a seed file",
    )
    .option('--sandbox', 'use the sandbox even when USERFLOW_API_KEY is set')
    .option(
      '--region <region>',
      'us or eu, for the real Userflow API (env USERFLOW_REGION; USERFLOW_API_URL wins)',
    )
    .option(
      '--public-url <url>',
      'origin senders call through a tunnel or proxy; HubSpot signs it (env PUBLIC_BASE_URL)',
    )
    .option('--no-watch', 'do not reload rule files when they change')
    .option('--quiet', 'no line per webhook and per Userflow call')
    .option(
      '--log-level <level>',
      'structured logs: DEBUG, INFO, WARN, ERROR, SILENT (env LOG_LEVEL; default WARN)',
    )
    .addHelpText(
      'after',
      [
        '',
        'Environment (also read from --env-file):',
        '  USERFLOW_API_KEY   deliver to the real Userflow API instead of the sandbox',
        '  USERFLOW_API_URL   Userflow base URL (a proxy, another sandbox)',
        '  <SECRET NAMES>     the webhook secrets rule files name (verify.secrets), e.g. STRIPE_WEBHOOK_SECRET;',
        '                     in sandbox mode a missing one is generated and kept in <local-dir>/dev-secrets.json',
        '  AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SQS, AWS_REGION   for --queue sqs',
        '  USERFLOW_TIMEOUT_MS, USERFLOW_LOOKUP_FILTER, USERFLOW_LOOKUP_TTL_SECONDS, USERFLOW_DELETE_NOT_FOUND,',
        '  RETRY_BASE_MS, RETRY_CAP_SECONDS, IDEMPOTENCY_TTL_SECONDS   delivery tuning, as for the deliver Lambda',
      ].join('\n'),
    )
    .action(async (flags) => {
      const { runStart } = await import('./run-start.ts');
      await runStart(flags);
    });
}
