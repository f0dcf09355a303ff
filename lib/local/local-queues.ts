// The queues local mode runs on: the embedded durable SQLite queue (default), any SQS endpoint, or the emulator.
import type { Env } from '../config/read-env.ts';
import type { Queue, QueueCounts } from '../queue/queue.ts';
import { LOCAL_QUEUE_SETTINGS, QUEUE_NAMES } from './layout.ts';

export type QueueKind = 'local' | 'sqs' | 'emulator';

/** Both local queue kinds (embedded, SQS) count their messages: the readiness probe reads that. */
export interface CountedQueue extends Queue {
  counts(): Promise<QueueCounts>;
}

export interface QueuePair {
  main: CountedQueue;
  /** Where the deliver handler puts permanent failures. */
  dlq: Queue;
  /** The eventSourceARN the poller puts on records. */
  arn: string;
}

export interface LocalQueues {
  kind: QueueKind;
  webhooks: QueuePair;
  /** The database-sync queue (`userflow-bridge sync run` fills it); absent with `sqs` and no sync queue URL. */
  sync?: QueuePair;
  /** What the start banner says about them, one line each. */
  lines: string[];
  close(): Promise<void>;
}

export interface LocalQueuesOptions {
  kind: QueueKind;
  /** The embedded queue file (`localLayout().queueDb`): the default queues, and the DLQ fallback with `sqs`. */
  queueDb: string;
  env: Env;
  queueUrl?: string;
  dlqUrl?: string;
  syncQueueUrl?: string;
  syncDlqUrl?: string;
}

const LOCAL_ARN = (name: string) => `arn:aws:sqs:local:000000000000:${name}`;

export async function openLocalQueues(options: LocalQueuesOptions): Promise<LocalQueues> {
  const closers: (() => unknown)[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne();
    closers.length = 0;
  };
  try {
    if (options.kind === 'local') return { kind: 'local', ...(await openEmbedded(options, closers)), close };
    if (options.kind === 'sqs') return { kind: 'sqs', ...(await openSqs(options, closers)), close };
    return { kind: 'emulator', ...(await openEmulated(closers)), close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function openEmbeddedPair(path: string, mainName: string, dlqName: string, closers: (() => unknown)[]) {
  const { openSqliteQueues } = await import('../queue/sqlite/sqlite-queue.ts');
  // The same settings every process opening this file passes (see LOCAL_QUEUE_SETTINGS).
  const queues = openSqliteQueues({ path, mainName, dlqName, ...LOCAL_QUEUE_SETTINGS });
  closers.push(() => queues.close());
  return queues;
}

async function openEmbedded(options: LocalQueuesOptions, closers: (() => unknown)[]) {
  const webhooks = await openEmbeddedPair(
    options.queueDb,
    QUEUE_NAMES.webhooks,
    QUEUE_NAMES.webhooksDlq,
    closers,
  );
  const sync = await openEmbeddedPair(options.queueDb, QUEUE_NAMES.sync, QUEUE_NAMES.syncDlq, closers);
  return {
    webhooks: { main: webhooks.main, dlq: webhooks.dlq, arn: LOCAL_ARN(QUEUE_NAMES.webhooks) },
    sync: { main: sync.main, dlq: sync.dlq, arn: LOCAL_ARN(QUEUE_NAMES.sync) },
    lines: [
      `embedded SQLite in ${options.queueDb}, kept across restarts`,
      `${QUEUE_NAMES.webhooks} and ${QUEUE_NAMES.sync} (filled by \`userflow-bridge sync run\`), each with a DLQ`,
    ],
  };
}

async function openSqs(options: LocalQueuesOptions, closers: (() => unknown)[]) {
  const { createSqsQueue } = await import('../queue/sqs/sqs-queue.ts');
  const env = options.env;
  const endpoint = env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL;
  const client = {
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
  const openUrl = (queueUrl: string) => {
    const queue = createSqsQueue({ queueUrl, client });
    closers.push(() => queue.close());
    return queue;
  };
  /** Without a DLQ URL, permanent failures land in the embedded DLQ, where `userflow-bridge dlq` finds them. */
  const pair = async (
    name: string,
    queueUrl: string,
    dlqUrl: string | undefined,
    dlqName: string,
  ): Promise<QueuePair & { line: string }> => {
    const main = openUrl(queueUrl);
    if (dlqUrl) {
      return {
        main,
        dlq: openUrl(dlqUrl),
        arn: await main.arn(),
        line: `${name}  ${queueUrl} (DLQ ${dlqUrl})`,
      };
    }
    const embedded = await openEmbeddedPair(options.queueDb, name, dlqName, closers);
    return {
      main,
      dlq: embedded.dlq,
      arn: await main.arn(),
      line: `${name}  ${queueUrl} (DLQ: ${dlqName} in ${options.queueDb})`,
    };
  };
  if (!options.queueUrl) throw new Error('openLocalQueues: sqs needs queueUrl');
  const webhooks = await pair(
    QUEUE_NAMES.webhooks,
    options.queueUrl,
    options.dlqUrl,
    QUEUE_NAMES.webhooksDlq,
  );
  const sync = options.syncQueueUrl
    ? await pair(QUEUE_NAMES.sync, options.syncQueueUrl, options.syncDlqUrl, QUEUE_NAMES.syncDlq)
    : undefined;
  return {
    webhooks,
    ...(sync ? { sync } : {}),
    lines: [
      `SQS${endpoint ? ` at ${endpoint}` : ''}`,
      webhooks.line,
      sync ? sync.line : `${QUEUE_NAMES.sync}  not consumed (give --sync-queue-url)`,
    ],
  };
}

async function openEmulated(closers: (() => unknown)[]) {
  const [{ startSqsEmulator, EMULATOR_CREDENTIALS, EMULATOR_REGION }, { createSqsQueue }] = await Promise.all(
    [import('./sqs-emulator.ts'), import('../queue/sqs/sqs-queue.ts')],
  );
  const emulator = await startSqsEmulator();
  closers.push(() => emulator.close());
  const client = { endpoint: emulator.endpoint, region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS };
  const pair = async (name: string): Promise<QueuePair & { url: string }> => {
    const created = await emulator.createFifoQueue(name, LOCAL_QUEUE_SETTINGS);
    const main = createSqsQueue({ queueUrl: created.url, client });
    const dlq = createSqsQueue({ queueUrl: created.dlq.url, client });
    closers.push(
      () => main.close(),
      () => dlq.close(),
    );
    return { main, dlq, arn: created.arn, url: created.url };
  };
  const webhooks = await pair(QUEUE_NAMES.webhooks);
  const sync = await pair(QUEUE_NAMES.sync);
  return {
    webhooks,
    sync,
    lines: [
      `SQS emulator at ${emulator.endpoint}, in memory (lost on exit), FIFO queues with DLQs`,
      `${QUEUE_NAMES.webhooks}  ${webhooks.url}`,
      `${QUEUE_NAMES.sync}  ${sync.url}`,
    ],
  };
}
