// The emulator helper itself: a FIFO queue with a DLQ comes up on loopback and redrives as SQS does.
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsEmulator, startSqsEmulator } from '../../helpers/sqs-emulator.ts';

describe('startSqsEmulator', () => {
  let emulator: SqsEmulator;
  beforeAll(async () => {
    emulator = await startSqsEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('listens on loopback only', () => {
    expect(new URL(emulator.endpoint).hostname).toBe('127.0.0.1');
  });

  it('creates a FIFO queue whose poison message lands in its DLQ after maxReceiveCount', async () => {
    const queue = await emulator.createFifoQueue('helper', {
      dlq: true,
      maxReceiveCount: 1,
      visibilityTimeout: 0,
    });
    expect(queue.url).toMatch(/helper\.fifo$/);
    expect(queue.dlq?.arn).toMatch(/helper-dlq\.fifo$/);
    await emulator.client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: 'poison',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'd',
      }),
    );
    const first = await emulator.client.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 1 }),
    );
    expect(first.Messages?.map((m) => m.Body)).toEqual(['poison']);
    const second = await emulator.client.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 0 }),
    );
    expect(second.Messages ?? []).toEqual([]);
    const dead = await emulator.client.send(
      new ReceiveMessageCommand({ QueueUrl: queue.dlq?.url ?? '', WaitTimeSeconds: 1 }),
    );
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });
});
