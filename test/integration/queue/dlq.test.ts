// DLQ tools and the `dlq` CLI on both adapters: list by reason, redrive all or a filtered subset, dry runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as cli } from '../../../lib/cli/main.ts';
import { DLQ_ATTRIBUTES } from '../../../lib/dlq/dlq-attributes.ts';
import { listDlq, redriveDlq } from '../../../lib/dlq/dlq-tools.ts';
import { LOCAL_QUEUE_SETTINGS, QUEUE_NAMES } from '../../../lib/local/layout.ts';
import type { OutgoingMessage, Queue } from '../../../lib/queue/queue.ts';
import { openSqliteQueues } from '../../../lib/queue/sqlite/sqlite-queue.ts';
import { createSqsQueue } from '../../../lib/queue/sqs/sqs-queue.ts';
import { type SqsEmulator, startSqsEmulator } from '../../helpers/sqs-emulator.ts';
import { drain } from './queue-helpers.ts';

function dead(
  n: number,
  reason: string | undefined,
  source: string,
  extra: Record<string, string> = {},
): OutgoingMessage {
  const envelope = { v: 1, id: `cmd-${n}`, source, rule: `${source}-rule`, command: { type: 'track_event' } };
  return {
    groupId: `user-${n}`,
    dedupeId: `dead-${n}`,
    body: JSON.stringify(envelope),
    attributes: {
      ...(reason ? { [DLQ_ATTRIBUTES.reason]: reason, [DLQ_ATTRIBUTES.error]: `${reason} happened` } : {}),
      ...extra,
    },
  };
}

const seed = [
  dead(1, 'userflow_not_found', 'stripe', { [DLQ_ATTRIBUTES.failedAt]: '2025-01-02T00:00:00.000Z' }),
  dead(2, 'userflow_not_found', 'hubspot', { [DLQ_ATTRIBUTES.failedAt]: '2025-01-01T00:00:00.000Z' }),
  dead(3, 'invalid_params', 'stripe', { trace: 'kept' }),
  dead(4, undefined, 'portal'),
];

interface Pair {
  main: Queue;
  dlq: Queue;
  mainArn?: string;
  cliTarget: string[];
  close(): void;
}

let emulator: SqsEmulator;
let counter = 0;
const dirs: string[] = [];
beforeAll(async () => {
  emulator = await startSqsEmulator();
});
afterAll(async () => {
  await emulator.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const pairs: [string, () => Promise<Pair>][] = [
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dlq-'));
      dirs.push(dir);
      const path = join(dir, 'queue.db');
      const queues = openSqliteQueues({
        path,
        mainName: QUEUE_NAMES.webhooks,
        dlqName: QUEUE_NAMES.webhooksDlq,
        ...LOCAL_QUEUE_SETTINGS,
      });
      return {
        main: queues.main,
        dlq: queues.dlq,
        cliTarget: ['--local', path],
        close: () => queues.close(),
      };
    },
  ],
  [
    'SQS (fauxqs)',
    async () => {
      const created = await emulator.createFifoQueue(`dlq${++counter}`, { dlq: true, maxReceiveCount: 3 });
      const main = createSqsQueue({ queueUrl: created.url, client: emulator.client });
      const dlq = createSqsQueue({ queueUrl: created.dlq?.url ?? '', client: emulator.client });
      return {
        main,
        dlq,
        mainArn: created.arn,
        cliTarget: ['--queue-url', created.url, '--endpoint', emulator.endpoint, '--region', emulator.region],
        close() {},
      };
    },
  ],
];

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await cli(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe.each(pairs)('DLQ tools on %s', (_label, open) => {
  let pair: Pair;
  afterEach(() => pair.close());

  it('lists counts by reason, the oldest of each, and where they came from', async () => {
    pair = await open();
    await pair.dlq.send(seed);
    const listing = await listDlq(pair.dlq);
    expect(listing.scanned).toBe(4);
    expect(listing.complete).toBe(true);
    expect(listing.reasons.map((r) => [r.reason, r.count])).toEqual([
      ['userflow_not_found', 2],
      ['invalid_params', 1],
      ['max_receive_count', 1],
    ]);
    expect(listing.reasons[0]).toMatchObject({
      oldest: '2025-01-01T00:00:00.000Z',
      sources: { stripe: 1, hubspot: 1 },
      example: 'userflow_not_found happened',
    });
  });

  it('leaves every message in the DLQ after listing', async () => {
    pair = await open();
    await pair.dlq.send(seed);
    await listDlq(pair.dlq);
    expect(await drain(pair.dlq, 5)).toHaveLength(4);
  });

  it('redrives only the messages matching every filter, without their DLQ attributes', async () => {
    pair = await open();
    await pair.dlq.send(seed);
    const result = await redriveDlq({
      dlq: pair.dlq,
      main: pair.main,
      filter: { reason: 'invalid_params', source: 'stripe' },
    });
    expect(result).toMatchObject({ method: 'copy', matched: 1, moved: 1, skipped: 3 });
    const back = await drain(pair.main, 2);
    expect(back.map((m) => [m.groupId, m.body, m.attributes])).toEqual([
      ['user-3', seed[2]?.body, { trace: 'kept' }],
    ]);
    expect((await drain(pair.dlq, 4)).map((m) => m.dedupeId).sort()).toEqual(['dead-1', 'dead-2', 'dead-4']);
  });

  it('redrives everything without a filter (copying where the endpoint has no move task)', async () => {
    pair = await open();
    await pair.dlq.send(seed);
    const result = await redriveDlq({ dlq: pair.dlq, main: pair.main, mainArn: pair.mainArn });
    expect(result).toMatchObject({ method: 'copy', moved: 4 });
    expect(await drain(pair.main, 5)).toHaveLength(4);
    expect(await drain(pair.dlq, 1)).toEqual([]);
  });

  it('moves nothing on a dry run', async () => {
    pair = await open();
    await pair.dlq.send(seed);
    const result = await redriveDlq({
      dlq: pair.dlq,
      main: pair.main,
      filter: { source: 'stripe' },
      dryRun: true,
    });
    expect(result).toMatchObject({ matched: 2, moved: 0, skipped: 2, dryRun: true });
    expect(await drain(pair.main, 1)).toEqual([]);
    expect(await drain(pair.dlq, 5)).toHaveLength(4);
  });

  it('`dlq list --json` and `dlq redrive --filter` work end to end through the CLI', async () => {
    pair = await open();
    await pair.dlq.send(seed);
    const listed = await runCli(['dlq', 'list', ...pair.cliTarget, '--json']);
    expect(listed.code).toBe(0);
    const listing = JSON.parse(listed.stdout) as { reasons: { reason: string; count: number }[] };
    expect(listing.reasons.find((r) => r.reason === 'userflow_not_found')?.count).toBe(2);

    const redriven = await runCli([
      'dlq',
      'redrive',
      ...pair.cliTarget,
      '--filter',
      'reason=userflow_not_found',
    ]);
    expect(redriven).toMatchObject({ code: 0, stderr: '' });
    expect(redriven.stdout).toContain('moved 2');
    expect((await drain(pair.main, 3)).map((m) => m.groupId).sort()).toEqual(['user-1', 'user-2']);
  });

  it('`dlq show` prints one dead letter, by command id or message id, and leaves it in the DLQ', async () => {
    pair = await open();
    await pair.dlq.send(seed);
    const shown = await runCli(['dlq', 'show', 'cmd-3', ...pair.cliTarget]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('reason: invalid_params');
    expect(shown.stdout).toContain('error: invalid_params happened');
    expect(shown.stdout).toContain('"id": "cmd-3"');

    const json = await runCli(['dlq', 'show', 'cmd-3', ...pair.cliTarget, '--json']);
    const letter = JSON.parse(json.stdout) as { messageId: string; reason: object; body: string };
    expect(letter.reason).toMatchObject({ reason: 'invalid_params', commandId: 'cmd-3', source: 'stripe' });
    expect(letter.body).toBe(seed[2]?.body);
    const byMessageId = await runCli(['dlq', 'show', letter.messageId, ...pair.cliTarget, '--json']);
    expect(JSON.parse(byMessageId.stdout)).toMatchObject({
      messageId: letter.messageId,
      body: seed[2]?.body,
    });
    expect(await drain(pair.dlq, 5)).toHaveLength(4);
  });

  it('`dlq show` of an id the DLQ does not hold exits 1 with one line', async () => {
    pair = await open();
    await pair.dlq.send(seed);
    const result = await runCli(['dlq', 'show', 'cmd-404', ...pair.cliTarget]);
    process.exitCode = undefined;
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^error: no dead letter cmd-404 in .*\n$/);
  });

  it('prints a table for people', async () => {
    pair = await open();
    await pair.dlq.send(seed);
    const listed = await runCli(['dlq', 'list', ...pair.cliTarget]);
    expect(listed.stdout).toMatch(/4 dead messages/);
    expect(listed.stdout).toMatch(
      /userflow_not_found\s+2\s+2025-01-01T00:00:00.000Z\s+stripe\(1\) hubspot\(1\)/,
    );
  });
});

describe('dlq CLI against an SQS endpoint from the environment', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('takes the endpoint from AWS_ENDPOINT_URL and finds the DLQ from the RedrivePolicy', async () => {
    const created = await emulator.createFifoQueue(`env${++counter}`, { dlq: true });
    await createSqsQueue({ queueUrl: created.dlq?.url ?? '', client: emulator.client }).send(seed);
    vi.stubEnv('AWS_ENDPOINT_URL', emulator.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', undefined);
    vi.stubEnv('AWS_REGION', emulator.region);
    const listed = await runCli(['dlq', 'list', '--queue-url', created.url, '--json']);
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout)).toMatchObject({ queue: created.dlq?.url, scanned: 4 });
  });
});

describe('dlq CLI usage errors', () => {
  it('rejects a filter on an unknown key with exit 2', async () => {
    const result = await runCli(['dlq', 'redrive', '--local', '/nonexistent/q.db', '--filter', 'colour=red']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--filter "colour=red"');
  });

  it('names the missing local queue file', async () => {
    const result = await runCli(['dlq', 'list', '--local', '/nonexistent/q.db']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/nonexistent/q.db');
  });
});
