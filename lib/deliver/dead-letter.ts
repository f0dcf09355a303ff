// What a dead-lettered message carries: the original body (so a redrive replays it unchanged) plus why it failed.
import { createHash } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import type { Envelope } from '../commands/index.ts';
import { DLQ_ATTRIBUTES } from '../dlq/dlq-attributes.ts';
import type { OutgoingMessage } from '../queue/queue.ts';
import type { Failure } from './classify.ts';

// The names are shared with `dlq list`/`dlq redrive`; SQS allows at most 10 attributes, and this sets at most 10.
export { DLQ_ATTRIBUTES };

const MAX_ERROR_CHARS = 500;

export function deadLetterMessage(
  record: SQSRecord,
  envelope: Envelope | undefined,
  failure: Failure,
  failedAt: Date,
): OutgoingMessage {
  const attributes: Record<string, string> = {
    [DLQ_ATTRIBUTES.reason]: failure.reason,
    [DLQ_ATTRIBUTES.error]: failure.message.slice(0, MAX_ERROR_CHARS),
    [DLQ_ATTRIBUTES.failedAt]: failedAt.toISOString(),
    [DLQ_ATTRIBUTES.receiveCount]: record.attributes.ApproximateReceiveCount ?? '1',
    [DLQ_ATTRIBUTES.messageId]: record.messageId,
  };
  if (failure.status !== undefined) attributes[DLQ_ATTRIBUTES.status] = String(failure.status);
  if (failure.userflowCode) attributes[DLQ_ATTRIBUTES.userflowCode] = failure.userflowCode;
  if (envelope) {
    attributes[DLQ_ATTRIBUTES.commandId] = envelope.id;
    attributes[DLQ_ATTRIBUTES.source] = envelope.source;
    attributes[DLQ_ATTRIBUTES.rule] = envelope.rule;
  }
  return {
    groupId: record.attributes.MessageGroupId ?? envelope?.id ?? record.messageId,
    // Unique per dead-lettering: FIFO dedupe must never drop it (a redriven message that fails again within five
    // minutes would otherwise vanish). A rare double send only duplicates a DLQ entry; it loses nothing.
    dedupeId: createHash('sha256')
      .update(
        `${record.messageId}\u0000${attributes[DLQ_ATTRIBUTES.receiveCount]}\u0000${failedAt.getTime()}`,
      )
      .digest('hex'),
    body: record.body,
    attributes,
  };
}
