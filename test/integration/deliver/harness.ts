// End-to-end delivery rig: the sandbox over HTTP, the SQS emulator over the SQS protocol, the local poller
// playing Lambda's event source mapping, and the same createDeliverHandler the Lambda exports.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  buildEnvelope,
  type CommandInput,
  command as commandSchema,
  messageGroupId,
} from '../../../lib/commands/index.ts';
import type { AuditRecord } from '../../../lib/deliver/audit.ts';
import { createDeliverHandler, type DeliverDeps } from '../../../lib/deliver/index.ts';
import { startPoller } from '../../../lib/local/poller.ts';
import { createLogger } from '../../../lib/logger.ts';
import type { Queue, QueueCounts } from '../../../lib/queue/queue.ts';
import { openSqliteQueues } from '../../../lib/queue/sqlite/sqlite-queue.ts';
import { createSqsQueue } from '../../../lib/queue/sqs/sqs-queue.ts';
import type { RunningSandbox, StartSandboxOptions } from '../../../lib/sandbox/index.ts';
import { UserflowClient } from '../../../lib/userflow/index.ts';
import { startSandbox } from '../../helpers/sandbox.ts';
import { startSqsEmulator } from '../../helpers/sqs-emulator.ts';
import { MemoryPersistenceLayer } from '../../unit/deliver/memory-persistence.ts';

export interface RigOptions {
  sandbox?: StartSandboxOptions;
  deliver?: Partial<Omit<DeliverDeps, 'client' | 'queue' | 'dlq' | 'idempotency' | 'logger'>>;
  /** Poller concurrency, also the handler's maxConcurrency (default 4). */
  concurrency?: number;
  maxReceiveCount?: number;
  /**
   * `sqs` (default): the SQS emulator over the SQS protocol. `sqlite`: local mode's embedded queue. The emulator
   * hands out one message per message group per receive, where SQS hands out as many of a group as it can (as the
   * SQLite queue does): tests of what delivery does with several records of one group in a batch use `sqlite`.
   */
  queue?: 'sqs' | 'sqlite';
  /** The main queue's visibility timeout in seconds (default 30): how soon a batch nobody acked comes back. */
  visibilityTimeout?: number;
  /** Wraps the handler the poller calls (e.g. to play a consumer that dies after its calls, before its acks). */
  wrapHandler?: (
    handler: (event: SQSEvent) => Promise<SQSBatchResponse>,
  ) => (event: SQSEvent) => Promise<SQSBatchResponse>;
}

type RigQueue = Queue & { counts(): Promise<QueueCounts> };

export interface Rig {
  sandbox: RunningSandbox;
  main: RigQueue;
  dlq: RigQueue;
  audit: AuditRecord[];
  /** Envelopes each command, in the order given (per-user order = send order), and sends them. */
  send(commands: readonly CommandInput[], eventId?: string): Promise<string[]>;
  /** Runs the poller until the main queue is empty (or the deadline passes), then stops it. */
  drain(timeoutMs?: number): Promise<void>;
  handler: ReturnType<typeof createDeliverHandler>;
  close(): Promise<void>;
}

let rigCount = 0;

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const sandbox = await startSandbox({ seed: 'none', ...options.sandbox });
  const { main, dlq, arn, close: closeQueues } = await openQueues(options);
  const audit: AuditRecord[] = [];
  const concurrency = options.concurrency ?? 4;
  const handler = createDeliverHandler({
    client: new UserflowClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, timeoutMs: 2_000 }),
    queue: main,
    dlq,
    idempotency: new MemoryPersistenceLayer(),
    logger: createLogger({ service: 'deliver-test', level: 'SILENT' }),
    auditSink: { write: (record) => audit.push(record) },
    rate: { limitPerSecond: 2_000, maxConcurrency: concurrency },
    // Sub-second backoff: a failed record usually returns at once, so fault tests stay fast.
    backoff: { baseMs: 200, capMs: 2_000 },
    ...options.deliver,
  });
  let eventCounter = 0;

  return {
    sandbox,
    main,
    dlq,
    audit,
    handler,
    async send(commands, eventId) {
      eventCounter += 1;
      const evt = eventId ?? `evt_${eventCounter}`;
      const messages = commands.map((input, index) => {
        const command = commandSchema.parse(input);
        const envelope = buildEnvelope({
          source: 'test',
          rule: 'test',
          eventId: evt,
          index,
          receivedAt: new Date(),
          command,
        });
        return { groupId: messageGroupId(command), dedupeId: envelope.id, body: JSON.stringify(envelope) };
      });
      await main.send(messages);
      return messages.map((m) => m.dedupeId);
    },
    async drain(timeoutMs = 20_000) {
      const poller = startPoller({
        queue: main,
        handler: (options.wrapHandler ?? ((h) => h))(
          handler as (event: SQSEvent) => Promise<SQSBatchResponse>,
        ),
        batchSize: 10,
        maxConcurrency: concurrency,
        waitSeconds: 0,
        queueArn: arn,
      });
      const deadline = Date.now() + timeoutMs;
      try {
        for (;;) {
          const counts = await main.counts();
          if (counts.visible + counts.inFlight === 0) return;
          if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        await poller.stop();
      }
    },
    async close() {
      await closeQueues();
      await sandbox.close();
    },
  };
}

/** The main queue and its DLQ: the SQS emulator's (started for this rig), or local mode's SQLite queues. */
async function openQueues(options: RigOptions) {
  const maxReceiveCount = options.maxReceiveCount ?? 40;
  const visibilityTimeout = options.visibilityTimeout ?? 30;
  rigCount += 1;
  if (options.queue === 'sqlite') {
    const sqlite = openSqliteQueues({
      path: ':memory:',
      mainName: 'deliver',
      dlqName: 'deliver-dlq',
      maxReceiveCount,
      visibilityTimeoutSeconds: visibilityTimeout,
      pollIntervalMs: 10,
    });
    const arn = `arn:aws:sqs:eu-west-1:000000000000:deliver-${rigCount}.fifo`;
    return {
      main: sqlite.main as RigQueue,
      dlq: sqlite.dlq as RigQueue,
      arn,
      close: async () => sqlite.close(),
    };
  }
  const emulator = await startSqsEmulator();
  const created = await emulator.createFifoQueue(`deliver-${rigCount}`, {
    dlq: true,
    maxReceiveCount,
    visibilityTimeout,
  });
  const main = createSqsQueue({ queueUrl: created.url, client: emulator.client });
  const dlq = createSqsQueue({ queueUrl: (created.dlq as { url: string }).url, client: emulator.client });
  const close = async () => {
    main.close();
    dlq.close();
    await emulator.close();
  };
  return { main, dlq, arn: created.arn, close };
}
