// Public surface of the AWS idempotency store. The local SQLite store is imported from its own module
// (`./sqlite-persistence-layer.ts`) so that a Lambda bundle built from this index never pulls in better-sqlite3.
export {
  createDynamoDbPersistenceLayer,
  createDynamoDbReadinessCheck,
  type DynamoDbPersistenceOptions,
  type DynamoDbReadinessOptions,
} from './dynamodb-persistence-layer.ts';
export { type RunOnce, type RunOnceOptions, runOnce } from './run-once.ts';
