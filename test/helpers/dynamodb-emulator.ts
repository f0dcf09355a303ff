// Starts dynalite (the npm DynamoDB emulator, in memory) on loopback for a test, with a client and a table factory.
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

// dynalite ships no types; this is the one call we make.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

export const EMULATOR_REGION = 'eu-west-1';
export const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export interface DynamoDbEmulator {
  /** `http://127.0.0.1:<port>`: give it as `endpoint` (or AWS_ENDPOINT_URL_DYNAMODB) to every client. */
  endpoint: string;
  region: string;
  client: DynamoDBClient;
  /** Client config for adapters that build their own client. */
  clientConfig: { endpoint: string; region: string; credentials: typeof EMULATOR_CREDENTIALS };
  /** Creates an on-demand table with a string partition key and, if named, a string sort key; ready at once. */
  createTable(name: string, keys: { partitionKey: string; sortKey?: string }): Promise<void>;
  /**
   * Creates an on-demand table with the keys and indexes a synthesized template declares for it (a
   * `AWS::DynamoDB::Table`'s Properties), so a function that disagrees with its table fails; ready at once.
   */
  createDeclaredTable(name: string, declared: DeclaredTable): Promise<void>;
  close(): Promise<void>;
}

export type DeclaredTable = Pick<
  CreateTableCommandInput,
  'KeySchema' | 'AttributeDefinitions' | 'GlobalSecondaryIndexes'
>;

export async function startDynamoDbEmulator(): Promise<DynamoDbEmulator> {
  // No `path`: tables live in memory. Zero delays: a created table is ACTIVE at once, as tests want.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientConfig = { endpoint, region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS };
  const client = new DynamoDBClient(clientConfig);

  return {
    endpoint,
    region: EMULATOR_REGION,
    client,
    clientConfig,
    async createTable(name, { partitionKey, sortKey }) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: partitionKey, AttributeType: 'S' },
            ...(sortKey ? [{ AttributeName: sortKey, AttributeType: 'S' as const }] : []),
          ],
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
          ],
        }),
      );
      await untilActive(client, name);
    },
    async createDeclaredTable(name, { KeySchema, AttributeDefinitions, GlobalSecondaryIndexes }) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema,
          AttributeDefinitions,
          ...(GlobalSecondaryIndexes ? { GlobalSecondaryIndexes } : {}),
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await untilActive(client, name);
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Waits for a table dynalite has just created to be ACTIVE. Even with `createTableMs: 0` it answers CreateTable
 * while the table is CREATING and flips it on a timer, so a loaded machine can see the next call refused with
 * ResourceNotFoundException. The SDK's waiter sleeps 20 s between polls; this polls every few milliseconds.
 */
export async function untilActive(client: DynamoDBClient, name: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline)
      throw new Error(`table ${name} still ${Table?.TableStatus} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
