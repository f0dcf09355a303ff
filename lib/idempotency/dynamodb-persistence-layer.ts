// The AWS idempotency store: Powertools' DynamoDB persistence layer, with the table the stack creates.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { withCallTimeouts } from '../aws-timeouts.ts';

export interface DynamoDbPersistenceOptions {
  tableName: string;
  /**
   * A client to share (e.g. one built at module scope); otherwise Powertools builds one from the environment,
   * with every call bounded (`lib/aws-timeouts.ts`) so a hung DynamoDB answers 503, not a hung request.
   */
  client?: DynamoDBClient;
}

/** Keys `id` (partition), `expiration` (TTL attribute, epoch seconds): the Powertools defaults the table uses. */
export function createDynamoDbPersistenceLayer(options: DynamoDbPersistenceOptions): BasePersistenceLayer {
  return options.client
    ? new DynamoDBPersistenceLayer({ tableName: options.tableName, awsSdkV3Client: options.client })
    : new DynamoDBPersistenceLayer({ tableName: options.tableName, clientConfig: withCallTimeouts({}) });
}
