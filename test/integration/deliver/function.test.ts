// functions/deliver.ts as Lambda runs it: env config at cold start, the API key from Secrets Manager, delivered
// track_event ids in DynamoDB (dynalite), records received from the SQS emulator, batchItemFailures out.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, type CommandInput, command, messageGroupId } from '../../../lib/commands/index.ts';
import { IDEMPOTENCY_KEY_PREFIX } from '../../../lib/deliver/index.ts';
import { buildSqsEvent } from '../../../lib/local/sqs-event.ts';
import { createSqsQueue, type SqsQueue } from '../../../lib/queue/sqs/sqs-queue.ts';
import type { RunningSandbox } from '../../../lib/sandbox/index.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../../helpers/dynamodb-emulator.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../helpers/fake-secrets-manager.ts';
import { startSandbox } from '../../helpers/sandbox.ts';
import { type SqsEmulator, startSqsEmulator } from '../../helpers/sqs-emulator.ts';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const context = {
  functionName: 'deliver',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

describe('functions/deliver.ts', () => {
  let sandbox: RunningSandbox;
  let emulator: SqsEmulator;
  let sm: FakeSecretsManager;
  let ddb: DynamoDbEmulator;
  let main: SqsQueue;
  let handler: Handler;
  const savedEnv = { ...process.env };
  // Two fault draws per request (slow?, error?): the first request fails with a 500, the rest pass.
  const draws = [0.99, 0];

  beforeAll(async () => {
    sandbox = await startSandbox({
      // The strict sandbox tracks events only for users that exist: `b` does, `a` is created by its upsert.
      seed: { users: [{ id: 'b' }] },
      faults: { errorRate: 0.5, random: () => draws.shift() ?? 0.99 },
    });
    emulator = await startSqsEmulator();
    const queues = await emulator.createFifoQueue('fn-deliver', { dlq: true, maxReceiveCount: 40 });
    [sm, ddb] = await Promise.all([startFakeSecretsManager(), startDynamoDbEmulator()]);
    sm.put('userflow-api-key', JSON.stringify({ USERFLOW_API_KEY: sandbox.apiKey }));
    // The table as the stack makes it: Powertools' default partition key `id`.
    await ddb.createTable('idempotency', { partitionKey: 'id' });
    main = createSqsQueue({ queueUrl: queues.url, client: emulator.client });
    Object.assign(process.env, {
      AWS_REGION: emulator.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_SQS: emulator.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: 'deliver',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      QUEUE_URL: queues.url,
      DLQ_URL: queues.dlq?.url,
      USERFLOW_API_KEY_SECRET_ID: 'userflow-api-key',
      USERFLOW_API_URL: sandbox.url,
      USERFLOW_RATE_LIMIT: '100',
      MAX_CONCURRENCY: '2',
      IDEMPOTENCY_TABLE: 'idempotency',
    });
    ({ handler } = (await import('../../../functions/deliver.ts')) as { handler: Handler });
  });

  afterAll(async () => {
    process.env = savedEnv;
    main?.close();
    await Promise.all([sm?.close(), ddb?.close()]);
    await emulator?.close();
    await sandbox?.close();
  });

  async function send(commands: CommandInput[]) {
    await main.send(
      commands.map((input, index) => {
        const parsed = command.parse(input);
        const envelope = buildEnvelope({
          source: 'test',
          rule: 'fn',
          eventId: 'evt_fn',
          index,
          receivedAt: new Date(),
          command: parsed,
        });
        return { groupId: messageGroupId(parsed), dedupeId: envelope.id, body: JSON.stringify(envelope) };
      }),
    );
  }

  it('reports exactly the failed record, and never tracks a redelivered event twice', async () => {
    await send([
      { type: 'upsert_user', user_id: 'a', attributes: { n: 1 } }, // the injected 500
      { type: 'track_event', user_id: 'b', name: 'paid' },
    ]);
    const first = await main.receive({ maxMessages: 10, waitSeconds: 1 });
    expect(first).toHaveLength(2);
    const event = buildSqsEvent(first);
    const failedId = event.Records.find((r) => JSON.parse(r.body).command.user_id === 'a')?.messageId;

    expect(await handler(event, context)).toEqual({ batchItemFailures: [{ itemIdentifier: failedId }] });
    expect(sm.calls).toContain('userflow-api-key');
    // Only the delivered track_event is remembered: the failed upsert_user is not an effectively-once command.
    const { Items = [] } = await ddb.client.send(
      new ScanCommand({ TableName: 'idempotency', ConsistentRead: true }),
    );
    expect(Items.map((item) => [item.id?.S?.split('#')[0], item.status?.S])).toEqual([
      [IDEMPOTENCY_KEY_PREFIX, 'COMPLETED'],
    ]);

    // The track_event comes back (say its delete was lost): it must not be tracked again.
    const tracked = first.find((m) => JSON.parse(m.body).command.type === 'track_event');
    await main.changeVisibility(tracked?.receiptHandle as string, 0);
    const again = await main.receive({ maxMessages: 10, waitSeconds: 1 });
    const redelivered = again.filter((m) => JSON.parse(m.body).command.type === 'track_event');
    expect(redelivered).toHaveLength(1);
    expect(await handler(buildSqsEvent(redelivered), context)).toEqual({ batchItemFailures: [] });
    expect(sandbox.store.listEvents({ user_id: 'b', name: 'paid' })).toHaveLength(1);
  });
});
