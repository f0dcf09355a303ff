// Splits outgoing messages into SendMessageBatch-sized chunks: at most 10 entries and 256 KiB per batch.
import { QueueError } from './errors.ts';
import type { OutgoingMessage } from './queue.ts';

/** SQS limits for one SendMessageBatch call. */
export const SQS_MAX_BATCH_ENTRIES = 10;
export const SQS_MAX_BATCH_BYTES = 256 * 1024;
/** SQS limit for one message (body and attributes); the same 256 KiB as a whole batch. */
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;

export interface ChunkLimits {
  maxEntries: number;
  maxBytes: number;
}

const encoder = new TextEncoder();
const bytes = (text: string): number => encoder.encode(text).byteLength;

/** Size as SQS counts it: the body plus, per attribute, its name, its data type (`String`) and its value. */
export function messageSize(message: OutgoingMessage): number {
  let size = bytes(message.body);
  for (const [name, value] of Object.entries(message.attributes ?? {})) {
    size += bytes(name) + 'String'.length + bytes(value);
  }
  return size;
}

/**
 * Returns chunks of indexes into `messages`, in input order, each within the limits. Keeping input order matters:
 * within a FIFO group, SQS orders by the order entries are accepted.
 */
export function chunkMessages(
  messages: readonly OutgoingMessage[],
  limits: ChunkLimits = { maxEntries: SQS_MAX_BATCH_ENTRIES, maxBytes: SQS_MAX_BATCH_BYTES },
): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  messages.forEach((message, index) => {
    const size = messageSize(message);
    if (size > limits.maxBytes) {
      throw new QueueError(
        'message_too_large',
        `message ${index} (group ${message.groupId}) is ${size} bytes; one batch may carry at most ${limits.maxBytes}`,
        { failedIndexes: [index] },
      );
    }
    if (current.length === limits.maxEntries || currentBytes + size > limits.maxBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(index);
    currentBytes += size;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}
