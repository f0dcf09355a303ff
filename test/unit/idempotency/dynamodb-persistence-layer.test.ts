// The AWS store factory: a Powertools DynamoDB layer on the given table, using the client it is handed.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  createDynamoDbPersistenceLayer,
  createDynamoDbReadinessCheck,
} from '../../../lib/idempotency/index.ts';

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

describe('createDynamoDbReadinessCheck', () => {
  it("reads one key under the caller's own prefix, the only keys its role may read (dynamodb:LeadingKeys)", async () => {
    const sent: { input: { TableName?: string; Key?: { id?: { S?: string } } } }[] = [];
    const client = { send: async (command: (typeof sent)[number]) => sent.push(command) };
    const check = createDynamoDbReadinessCheck({
      tableName: 'bridge-idempotency',
      keyPrefix: 'ingest',
      client: client as unknown as DynamoDBClient,
    });
    await check();
    expect(sent[0]?.input.TableName).toBe('bridge-idempotency');
    expect(sent[0]?.input.Key?.id?.S).toMatch(/^ingest#/);
  });

  it('throws when the table cannot answer, so /readyz reports it failing', async () => {
    const client = {
      send: async () => {
        throw new Error('ResourceNotFoundException');
      },
    };
    const check = createDynamoDbReadinessCheck({
      tableName: 'gone',
      keyPrefix: 'ingest',
      client: client as unknown as DynamoDBClient,
    });
    await expect(check()).rejects.toThrow('ResourceNotFoundException');
  });
});
