// Envelopes onto the queue: one FIFO message per command, grouped per user, deduplicated by command id.
import { type Envelope, messageGroupId } from '../commands/index.ts';
import type { OutgoingMessage, Queue } from '../queue/queue.ts';

export function toMessage(envelope: Envelope): OutgoingMessage {
  return { groupId: messageGroupId(envelope.command), dedupeId: envelope.id, body: JSON.stringify(envelope) };
}

/**
 * Sends every envelope in one call, in order, or throws (a retryable `QueueError` when the queue is down or
 * throttling). Whatever was accepted before a failure is dropped by FIFO dedupe when the retry sends it again.
 */
export async function enqueue(queue: Queue, envelopes: readonly Envelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  await queue.send(envelopes.map(toMessage));
}
