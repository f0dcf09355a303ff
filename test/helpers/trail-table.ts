// The trail's DynamoDB table as the stack creates it, for tests against dynalite.
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TRAIL_TABLE_SCHEMA } from '../../lib/trail/dynamodb-layout.ts';
import { untilActive } from './dynamodb-emulator.ts';

/** The table as the stack creates it (cdk/bridge-stack.ts builds it from the same schema). */
export async function createTrailTable(client: DynamoDBClient, name: string): Promise<void> {
  const s = TRAIL_TABLE_SCHEMA;
  const keyNames = [s.partitionKey, s.sortKey, ...s.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keyNames.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: s.partitionKey, KeyType: 'HASH' },
        { AttributeName: s.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: s.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...s.projectedAttributes] },
      })),
    }),
  );
  await untilActive(client, name);
}
