// The AWS idempotency store: Powertools' DynamoDB persistence layer, with the table the stack creates.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { withCallTimeouts } from '../aws-timeouts.ts';
import { type DynamoDBClient, GetItemCommand, openClient } from '../dynamodb/index.ts';

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

export interface DynamoDbReadinessOptions {
  tableName: string;
  /** The caller's own key prefix: its IAM role may read only keys under `<keyPrefix>#` (dynamodb:LeadingKeys). */
  keyPrefix: string;
  client?: DynamoDBClient;
}

/**
 * `/readyz`'s idempotency check: one GetItem of a key nobody writes. A GetItem rather than DescribeTable because
 * it is the call a webhook makes (same permission, same throttling, same endpoint), and it needs no grant beyond
 * the caller's own key prefix. Resolves whether or not the item exists; throws when the table cannot answer.
 */
export function createDynamoDbReadinessCheck(options: DynamoDbReadinessOptions): () => Promise<void> {
  let client = options.client;
  return async () => {
    client ??= openClient();
    await client.send(
      new GetItemCommand({
        TableName: options.tableName,
        Key: { id: { S: `${options.keyPrefix}#readyz-probe` } },
        ProjectionExpression: 'id',
      }),
    );
  };
}
