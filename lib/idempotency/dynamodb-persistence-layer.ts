// The AWS idempotency store: Powertools' DynamoDB persistence layer, with the table the stack creates.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface DynamoDbPersistenceOptions {
  tableName: string;
  /** A client to share (e.g. one built at module scope); otherwise Powertools builds one from the environment. */
  client?: DynamoDBClient;
}

/** Keys `id` (partition), `expiration` (TTL attribute, epoch seconds): the Powertools defaults the table uses. */
export function createDynamoDbPersistenceLayer(options: DynamoDbPersistenceOptions): BasePersistenceLayer {
  return options.client
    ? new DynamoDBPersistenceLayer({ tableName: options.tableName, awsSdkV3Client: options.client })
    : new DynamoDBPersistenceLayer({ tableName: options.tableName });
}
