// Public surface of the embedded SQLite FIFO queue (local mode): a main queue and its DLQ in one file, with SQS's
// semantics (groups, visibility, receive counts, redrive to the DLQ).
export {
  openSqliteQueues,
  type SqliteQueue,
  type SqliteQueues,
  type SqliteQueuesOptions,
} from './sqlite-queue.ts';
