// Redrive strategy: SQS's move task when there is no filter, a copy otherwise or where the endpoint lacks it.
import { describe, expect, it } from 'vitest';
import { type DlqSource, redriveDlq, toRedriven } from '../../../lib/dlq/dlq-tools.ts';
import { QueueError } from '../../../lib/queue/errors.ts';
import type { OutgoingMessage, Queue, ReceivedMessage } from '../../../lib/queue/queue.ts';

function fakeDlq(
  moveTask: () => Promise<{ taskHandle: string }>,
): DlqSource & { moveCalls: (string | undefined)[] } {
  const moveCalls: (string | undefined)[] = [];
  return {
    moveCalls,
    async send() {},
    async receive() {
      return [];
    },
    async delete() {},
    async changeVisibility() {},
    async counts() {
      return { visible: 7, inFlight: 0 };
    },
    async startMessageMoveTask(options) {
      moveCalls.push(options?.destinationArn);
      return moveTask();
    },
  };
}

const sink = (): Queue & { sent: OutgoingMessage[] } => {
  const sent: OutgoingMessage[] = [];
  return {
    sent,
    async send(messages) {
      sent.push(...messages);
    },
    async receive() {
      return [];
    },
    async delete() {},
    async changeVisibility() {},
  };
};

describe('redriveDlq', () => {
  it('asks SQS to move everything back to the main queue when there is no filter', async () => {
    const dlq = fakeDlq(async () => ({ taskHandle: 'task-1' }));
    const result = await redriveDlq({ dlq, main: sink(), mainArn: 'arn:aws:sqs:eu-west-1:1:main.fifo' });
    expect(result).toMatchObject({ method: 'move-task', taskHandle: 'task-1', matched: 7 });
    expect(dlq.moveCalls).toEqual(['arn:aws:sqs:eu-west-1:1:main.fifo']);
  });

  it('copies instead when a filter is given', async () => {
    const dlq = fakeDlq(async () => ({ taskHandle: 'task-1' }));
    const result = await redriveDlq({ dlq, main: sink(), mainArn: 'arn:x', filter: { reason: 'x' } });
    expect(result.method).toBe('copy');
    expect(dlq.moveCalls).toEqual([]);
  });

  it('falls back to copying when the endpoint rejects the move task', async () => {
    const dlq = fakeDlq(async () => {
      throw new QueueError('queue_rejected', 'SQS StartMessageMoveTask failed (InvalidAction)');
    });
    expect((await redriveDlq({ dlq, main: sink(), mainArn: 'arn:x' })).method).toBe('copy');
  });

  it('does not hide an outage behind the fallback', async () => {
    const dlq = fakeDlq(async () => {
      throw new QueueError('queue_unreachable', 'SQS StartMessageMoveTask failed (ECONNREFUSED)');
    });
    await expect(redriveDlq({ dlq, main: sink(), mainArn: 'arn:x' })).rejects.toMatchObject({
      code: 'queue_unreachable',
    });
  });
});

describe('toRedriven', () => {
  const received: ReceivedMessage = {
    messageId: 'm-1',
    receiptHandle: 'rh',
    groupId: 'user-1',
    dedupeId: 'cmd-1',
    body: '{"id":"cmd-1"}',
    attributes: { 'dlq.reason': 'invalid_params', 'dlq.error': 'bad', trace: 't' },
    receiveCount: 1,
    sentAt: 0,
  };

  it('keeps group, body and the original attributes, drops the DLQ ones', () => {
    expect(toRedriven(received)).toEqual({
      groupId: 'user-1',
      dedupeId: 'redrive-m-1',
      body: '{"id":"cmd-1"}',
      attributes: { trace: 't' },
    });
  });

  it('uses a fresh dedupe id, so the main queue does not drop it as a repeat of the original send', () => {
    expect(toRedriven(received).dedupeId).not.toBe(received.dedupeId);
  });
});
