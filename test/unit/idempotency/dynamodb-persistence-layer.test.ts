// The AWS store factory: a Powertools DynamoDB layer on the given table, using the client it is handed.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoDbPersistenceLayer } from '../../../lib/idempotency/index.ts';

describe('createDynamoDbPersistenceLayer', () => {
  it('builds a DynamoDB layer on the named table with the shared client', () => {
    const client = new DynamoDBClient({ region: 'eu-west-1' });
    const layer = createDynamoDbPersistenceLayer({ tableName: 'bridge-idempotency', client });
    expect(layer).toBeInstanceOf(DynamoDBPersistenceLayer);
    expect((layer as unknown as { tableName: string }).tableName).toBe('bridge-idempotency');
    expect((layer as unknown as { client: DynamoDBClient }).client).toBe(client);
    client.destroy();
  });
});
