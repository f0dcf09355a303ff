// Envelopes onto the queue: one FIFO message per command, grouped per user, deduplicated by command id.
import { type Envelope, messageGroupId } from '../commands/index.ts';
import { messageSize, SQS_MAX_MESSAGE_BYTES } from '../queue/batching.ts';
import type { OutgoingMessage, Queue } from '../queue/queue.ts';
import { IngestError } from './errors.ts';

export function toMessage(envelope: Envelope): OutgoingMessage {
  return { groupId: messageGroupId(envelope.command), dedupeId: envelope.id, body: JSON.stringify(envelope) };
}

/**
 * Sends every envelope in one call, in order, or throws (a retryable `QueueError` when the queue is down or
 * throttling). Whatever was accepted before a failure is dropped by FIFO dedupe when the retry sends it again.
 * A command too large for one SQS message throws the permanent `message_too_large` before anything is sent.
 */
export async function enqueue(queue: Queue, envelopes: readonly Envelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  const messages = envelopes.map(toMessage);
  assertEachFits(messages);
  await queue.send(messages);
}

/**
 * Checked here rather than left to the adapter, whose `message_too_large` is a generic 500: the sender must learn
 * that this event can never be queued, and the rest of its batch must not wait on it.
 */
function assertEachFits(messages: readonly OutgoingMessage[]): void {
  for (const message of messages) {
    const size = messageSize(message);
    if (size > SQS_MAX_MESSAGE_BYTES) {
      throw new IngestError(
        'message_too_large',
        `a command of this event is ${size} bytes; one queue message carries at most ${SQS_MAX_MESSAGE_BYTES}`,
      );
    }
  }
}
