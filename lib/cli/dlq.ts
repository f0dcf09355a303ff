// `userflow-bridge dlq list|show|redrive`: why commands died, one dead letter whole, and moving them back, on SQS
// or the local queue file.
import type { Command } from 'commander';
import type { DlqFilter, DlqListing, DlqSource, RedriveResult } from '../dlq/dlq-tools.ts';
import type { Queue } from '../queue/queue.ts';
import { UsageError } from './exit.ts';
import { failWith } from './fail.ts';

// Only types are imported statically: the SDK and SQLite load inside the actions, so `--help` stays fast.

interface TargetOptions {
  queueUrl?: string;
  dlqUrl?: string;
  endpoint?: string;
  region?: string;
  local?: string;
  localQueue: string;
  json?: boolean;
}

interface RedriveOptions extends TargetOptions {
  filter: string[];
  dryRun?: boolean;
  max?: string;
}

interface Target {
  label: string;
  dlq: DlqSource;
  main?: Queue;
  mainArn?: string;
  close(): void;
}

export function registerDlq(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('Inspect and redrive the dead-letter queue (SQS, any endpoint, or the local queue file).');

  const withTarget = (command: Command) =>
    command
      .option('--queue-url <url>', 'the main SQS queue (its DLQ is found from its RedrivePolicy)')
      .option('--dlq-url <url>', 'the SQS dead-letter queue')
      .option('--endpoint <url>', 'SQS endpoint (default: AWS_ENDPOINT_URL_SQS or AWS_ENDPOINT_URL)')
      .option('--region <region>', 'AWS region (default: AWS_REGION, or the one in the queue URL)')
      .option(
        '--local <path>',
        'the local queue file (the default when no SQS URL is given: .local/queue.db)',
      )
      .option('--local-queue <name>', 'which local queue pair: webhooks or sync', 'webhooks')
      .option('--json', 'print JSON');

  withTarget(dlq.command('list'))
    .description('Count dead messages by reason, with the oldest of each and where they came from.')
    .action(async (options: TargetOptions) => {
      const { listDlq } = await import('../dlq/dlq-tools.ts');
      const target = await openTarget(options, false);
      try {
        const listing = await listDlq(target.dlq);
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ queue: target.label, ...listing })}\n`
            : listText(target.label, listing),
        );
      } finally {
        target.close();
      }
    });

  withTarget(dlq.command('show'))
    .description('Print one dead letter: why it died (reason, error, status) and its body, the envelope.')
    .argument('<message-id>', 'its DLQ message id, the id it had on the main queue, or its command id')
    .addHelpText(
      'after',
      '\nExamples:\n  userflow-bridge dlq show cmd_4f1c…\n  userflow-bridge dlq show 8a1d… --json\n' +
        '\nExits 1 when the DLQ holds no such message.\n',
    )
    .action(async (id: string, options: TargetOptions) => {
      const [{ findDeadLetter }, { readDlqReason }, { deadLetterText }] = await Promise.all([
        import('../dlq/dlq-tools.ts'),
        import('../dlq/dlq-attributes.ts'),
        import('./dlq-show.ts'),
      ]);
      const target = await openTarget(options, false);
      try {
        const message = await findDeadLetter(target.dlq, id);
        if (!message) {
          const { printable } = await import('../local/activity.ts');
          failWith('not_found', `no dead letter ${printable(id)} in ${target.label}`, options.json ?? false);
          return;
        }
        const reason = readDlqReason(message.attributes, message.body);
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ queue: target.label, messageId: message.messageId, groupId: message.groupId, receiveCount: message.receiveCount, sentAt: new Date(message.sentAt).toISOString(), reason, attributes: message.attributes, body: message.body })}\n`
            : deadLetterText(message, reason),
        );
      } finally {
        target.close();
      }
    });

  withTarget(dlq.command('redrive'))
    .description('Move dead messages back to the main queue (all, or those matching every --filter).')
    .option(
      '--filter <key=value>',
      'reason=…, source=…, rule=…, command_type=… or status=… (repeatable)',
      collect,
      [],
    )
    .option('--dry-run', 'count what would move; move nothing')
    .option('--max <n>', 'move at most n messages in this run', '10000')
    .action(async (options: RedriveOptions) => {
      const { FILTER_KEYS, redriveDlq } = await import('../dlq/dlq-tools.ts');
      const filter = parseFilter(options.filter, FILTER_KEYS);
      const max = Number(options.max);
      if (!Number.isInteger(max) || max < 1) throw new UsageError('--max must be a positive whole number');
      const target = await openTarget(options, true);
      try {
        if (!target.main) throw new UsageError('redrive needs the main queue: give --queue-url');
        const result = await redriveDlq({
          dlq: target.dlq,
          main: target.main,
          mainArn: target.mainArn,
          filter,
          dryRun: options.dryRun ?? false,
          maxMessages: max,
        });
        process.stdout.write(
          options.json ? `${JSON.stringify({ queue: target.label, ...result })}\n` : redriveText(result),
        );
      } finally {
        target.close();
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseFilter(pairs: readonly string[], keys: Readonly<Record<string, keyof DlqFilter>>): DlqFilter {
  const filter: DlqFilter = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = keys[pair.slice(0, at)];
    if (at < 1 || !key || at === pair.length - 1) {
      throw new UsageError(
        `--filter "${pair}" is not key=value with key one of ${Object.keys(keys).join(', ')}`,
      );
    }
    filter[key] = pair.slice(at + 1);
  }
  return filter;
}

async function openTarget(options: TargetOptions, needMain: boolean): Promise<Target> {
  if (options.queueUrl || options.dlqUrl) {
    if (options.local) throw new UsageError('give either --local or SQS queue URLs, not both');
    return openSqsTarget(options, needMain);
  }
  const { LOCAL_QUEUE_SETTINGS, QUEUE_NAMES, localLayout } = await import('../local/layout.ts');
  const pair =
    options.localQueue === 'sync'
      ? { mainName: QUEUE_NAMES.sync, dlqName: QUEUE_NAMES.syncDlq }
      : options.localQueue === 'webhooks'
        ? { mainName: QUEUE_NAMES.webhooks, dlqName: QUEUE_NAMES.webhooksDlq }
        : undefined;
  if (!pair) throw new UsageError(`--local-queue must be webhooks or sync, not "${options.localQueue}"`);
  const path = options.local ?? localLayout().queueDb;
  const { existsSync } = await import('node:fs');
  if (!existsSync(path)) {
    throw new UsageError(
      `no local queue file at ${path} (run \`userflow-bridge start\` first, or give --queue-url)`,
    );
  }
  const { openSqliteQueues } = await import('../queue/sqlite/sqlite-queue.ts');
  const queues = openSqliteQueues({ path, ...pair, ...LOCAL_QUEUE_SETTINGS });
  return {
    label: `${path} (${pair.dlqName})`,
    dlq: queues.dlq,
    main: queues.main,
    close: () => queues.close(),
  };
}

async function openSqsTarget(options: TargetOptions, needMain: boolean): Promise<Target> {
  const { createSqsQueue } = await import('../queue/sqs/sqs-queue.ts');
  const env = process.env;
  const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL;
  const someUrl = options.queueUrl ?? options.dlqUrl ?? '';
  const region =
    options.region ??
    env.AWS_REGION ??
    env.AWS_DEFAULT_REGION ??
    /sqs[.-]([a-z0-9-]+)\./.exec(someUrl)?.[1] ??
    'us-east-1';
  // Emulators accept any key; without one in the environment the SDK would refuse to sign at all.
  const credentials =
    endpoint && !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE
      ? { accessKeyId: 'local', secretAccessKey: 'local' }
      : undefined;
  const config = { region, ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}) };
  const main = options.queueUrl ? createSqsQueue({ queueUrl: options.queueUrl, client: config }) : undefined;
  const dlqUrl = options.dlqUrl ?? (await main?.deadLetterQueueUrl());
  if (!dlqUrl) {
    main?.close();
    throw new UsageError('the main queue has no RedrivePolicy: give --dlq-url');
  }
  if (needMain && !main) throw new UsageError('redrive needs the main queue: give --queue-url');
  const dlq = createSqsQueue({ queueUrl: dlqUrl, client: config });
  return {
    label: dlqUrl,
    dlq,
    main,
    mainArn: main ? await main.arn() : undefined,
    close() {
      main?.close();
      dlq.close();
    },
  };
}

function listText(label: string, listing: DlqListing): string {
  const total = listing.approximateTotal ?? listing.scanned;
  const lines = [`${label}: ${total} dead message${total === 1 ? '' : 's'}`];
  if (!listing.complete) {
    lines.push(`  (scanned ${listing.scanned}: later messages of a FIFO group stay hidden behind the first)`);
  }
  if (listing.reasons.length === 0) return `${lines.join('\n')}\n`;
  const rows = listing.reasons.map((r) => [
    r.reason,
    String(r.count),
    r.oldest,
    Object.entries(r.sources)
      .map(([source, n]) => `${source}(${n})`)
      .join(' '),
    r.example ?? '',
  ]);
  const header = ['REASON', 'COUNT', 'OLDEST', 'SOURCES', 'EXAMPLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  for (const row of [header, ...rows]) {
    lines.push(
      row
        .map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    );
  }
  return `${lines.join('\n')}\n`;
}

function redriveText(result: RedriveResult): string {
  if (result.dryRun) return `dry run: ${result.matched} would move, ${result.skipped} would stay\n`;
  if (result.method === 'move-task') {
    return `started an SQS message move task for about ${result.matched} message(s) (task ${result.taskHandle})\n`;
  }
  return `moved ${result.moved} message(s) back to the main queue; ${result.skipped} left in the DLQ\n`;
}
