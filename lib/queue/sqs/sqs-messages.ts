// Between the Queue port's messages and SQS's wire shapes: batch entries out, received messages in (its system
// attributes as Lambda's event carries them).
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { OutgoingMessage, ReceivedMessage } from '../queue.ts';

export function toEntry(index: number, message: OutgoingMessage) {
  return {
    // Entry ids only need to be unique in the batch; the input index lets failures map back to messages.
    Id: String(index),
    MessageBody: message.body,
    MessageGroupId: message.groupId,
    MessageDeduplicationId: message.dedupeId,
    MessageAttributes: toMessageAttributes(message.attributes),
  };
}

function toMessageAttributes(
  attributes: Record<string, string> | undefined,
): Record<string, MessageAttributeValue> | undefined {
  const entries = Object.entries(attributes ?? {});
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
}

export function fromSqsMessage(message: Message): ReceivedMessage {
  const system = { ...(message.Attributes ?? {}) } as Record<string, string>;
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
    else if (value.BinaryValue !== undefined)
      attributes[name] = Buffer.from(value.BinaryValue).toString('base64');
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    groupId: system.MessageGroupId ?? '',
    dedupeId: system.MessageDeduplicationId ?? '',
    body: message.Body ?? '',
    attributes,
    receiveCount: Number(system.ApproximateReceiveCount ?? 1),
    sentAt: Number(system.SentTimestamp ?? 0),
    systemAttributes: system,
    md5OfBody: message.MD5OfBody,
  };
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(value)));
}
