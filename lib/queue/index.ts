// Public surface of the queue: the port every user of a FIFO queue codes against, its error family and the SQS
// batching limits. The adapters are imported from their own folders (`./sqs/sqs-queue.ts`,
// `./sqlite/sqlite-queue.ts`) so that a Lambda bundle built from this index never pulls in better-sqlite3 and a
// local process never needs the SQS client.
export {
  type ChunkLimits,
  chunkMessages,
  messageSize,
  SQS_MAX_BATCH_BYTES,
  SQS_MAX_BATCH_ENTRIES,
  SQS_MAX_MESSAGE_BYTES,
} from './batching.ts';
export { QueueError, type QueueErrorCode, type QueueErrorOptions } from './errors.ts';
export type { OutgoingMessage, Queue, QueueCounts, ReceivedMessage, ReceiveOptions } from './queue.ts';
