// Public surface of the SQS adapter of the Queue port (the functions' queue; local mode's `--queue sqs`).
export { createSqsQueue, type SqsQueue, type SqsQueueOptions } from './sqs-queue.ts';
