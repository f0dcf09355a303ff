// Lambda's ReportBatchItemFailures rules, as the local poller applies them.
import { describe, expect, it } from 'vitest';
import { buildSqsEvent, settleBatch } from '../../../lib/local/sqs-event.ts';
import type { ReceivedMessage } from '../../../lib/queue/queue.ts';

const received = (id: string): ReceivedMessage => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  groupId: 'g',
  dedupeId: id,
  body: '{}',
  attributes: {},
  receiveCount: 1,
  sentAt: 1,
});
const event = buildSqsEvent(
  [received('m1'), received('m2'), received('m3')],
  'arn:aws:sqs:eu-west-1:1:q.fifo',
);

describe('buildSqsEvent', () => {
  it('takes the region from the queue ARN', () => {
    expect(event.Records[0]?.awsRegion).toBe('eu-west-1');
  });
});

describe('settleBatch', () => {
  it('deletes everything when the handler returns nothing', () => {
    expect(settleBatch(event, undefined, false)).toEqual({
      succeeded: ['rh-m1', 'rh-m2', 'rh-m3'],
      failed: [],
    });
  });

  it('deletes everything when batchItemFailures is empty', () => {
    expect(settleBatch(event, { batchItemFailures: [] }, false).failed).toEqual([]);
  });

  it('keeps exactly the reported failures', () => {
    expect(settleBatch(event, { batchItemFailures: [{ itemIdentifier: 'm2' }] }, false)).toEqual({
      succeeded: ['rh-m1', 'rh-m3'],
      failed: ['m2'],
    });
  });

  it('fails the whole batch when the handler threw', () => {
    expect(settleBatch(event, undefined, true)).toEqual({ succeeded: [], failed: ['m1', 'm2', 'm3'] });
  });

  it('fails the whole batch for an itemIdentifier that is not in it', () => {
    expect(settleBatch(event, { batchItemFailures: [{ itemIdentifier: 'nope' }] }, false).succeeded).toEqual(
      [],
    );
  });

  it('fails the whole batch for an empty itemIdentifier', () => {
    expect(settleBatch(event, { batchItemFailures: [{ itemIdentifier: '' }] }, false).succeeded).toEqual([]);
  });
});
