// Factories for SQS FIFO records and events shaped like the ones Lambda hands a handler (after Powertools' own).
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { type CommandInput, command as commandSchema } from '../../lib/commands/command.ts';
import { buildEnvelope } from '../../lib/commands/envelope.ts';
import { messageGroupId } from '../../lib/commands/message-group.ts';

export interface SqsRecordOptions {
  body?: string;
  groupId?: string;
  messageId?: string;
  receiveCount?: number;
  dedupeId?: string;
  queueArn?: string;
}

/** One record; defaults make a valid FIFO record with a fresh id. */
export function sqsRecordFactory(options: SqsRecordOptions = {}): SQSRecord {
  const messageId = options.messageId ?? randomUUID();
  const now = String(Date.now());
  return {
    messageId,
    receiptHandle: `rh-${messageId}-${options.receiveCount ?? 1}`,
    body: options.body ?? '{}',
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: now,
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: now,
      SequenceNumber: '18849496460467696128',
      MessageGroupId: options.groupId ?? 'group-1',
      MessageDeduplicationId: options.dedupeId ?? messageId,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn ?? 'arn:aws:sqs:eu-west-1:000000000000:deliver.fifo',
    awsRegion: 'eu-west-1',
  };
}

let eventCounter = 0;

/** A record carrying a valid envelope for `command`, in the message group delivery would give it. */
export function commandRecord(
  command: CommandInput,
  options: Omit<SqsRecordOptions, 'body' | 'groupId'> & { eventId?: string; index?: number } = {},
): SQSRecord {
  const parsed = commandSchema.parse(command);
  eventCounter += 1;
  const envelope = buildEnvelope({
    source: 'test',
    rule: 'test-rule',
    eventId: options.eventId ?? `evt_${eventCounter}`,
    index: options.index ?? 0,
    receivedAt: new Date('2026-01-01T00:00:00Z'),
    command: parsed,
  });
  return sqsRecordFactory({ ...options, body: JSON.stringify(envelope), groupId: messageGroupId(parsed) });
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
