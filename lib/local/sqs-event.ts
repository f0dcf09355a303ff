// Builds the SQSEvent Lambda's event source mapping would send for received messages, and reads the answer back.
import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ReceivedMessage } from '../queue/queue.ts';

export const LOCAL_QUEUE_ARN = 'arn:aws:sqs:local:000000000000:userflow-bridge.fifo';

export function buildSqsEvent(
  messages: readonly ReceivedMessage[],
  queueArn: string = LOCAL_QUEUE_ARN,
): SQSEvent {
  const awsRegion = queueArn.split(':')[3] ?? 'local';
  return { Records: messages.map((m) => toRecord(m, queueArn, awsRegion)) };
}

function toRecord(message: ReceivedMessage, eventSourceARN: string, awsRegion: string): SQSRecord {
  const system = message.systemAttributes ?? {};
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ...system,
      ApproximateReceiveCount: system.ApproximateReceiveCount ?? String(message.receiveCount),
      SentTimestamp: system.SentTimestamp ?? String(message.sentAt),
      SenderId: system.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(message.sentAt),
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.dedupeId,
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.attributes).map(([name, value]) => [
        name,
        { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' },
      ]),
    ),
    md5OfBody: message.md5OfBody ?? createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}

export interface BatchOutcome {
  /** Receipt handles of the records to delete. */
  succeeded: string[];
  /** Message ids left to their visibility timeout. */
  failed: string[];
}

/**
 * Lambda's ReportBatchItemFailures rules: no response or an empty list means every record succeeded; a thrown
 * handler, a malformed response, or an itemIdentifier that is empty or not in the batch fails the whole batch.
 */
export function settleBatch(
  event: SQSEvent,
  response: SQSBatchResponse | undefined,
  threw: boolean,
): BatchOutcome {
  const all = event.Records;
  const failWhole = (): BatchOutcome => ({ succeeded: [], failed: all.map((r) => r.messageId) });
  if (threw) return failWhole();
  if (response === undefined || response === null)
    return { succeeded: all.map((r) => r.receiptHandle), failed: [] };
  const failures = (response as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null)
    return { succeeded: all.map((r) => r.receiptHandle), failed: [] };
  if (!Array.isArray(failures)) return failWhole();
  const ids = new Set(all.map((r) => r.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return failWhole();
    failed.add(id);
  }
  return {
    succeeded: all.filter((r) => !failed.has(r.messageId)).map((r) => r.receiptHandle),
    failed: all.filter((r) => failed.has(r.messageId)).map((r) => r.messageId),
  };
}
