// Public surface of the DynamoDB adapter: the client and commands every table module uses, and batch calls that
// send everything despite throttling.
export { type BatchOptions, batchGetAll, batchWriteAll, type Item, RESEND_BACKOFF } from './batch.ts';
export * from './client.ts';
