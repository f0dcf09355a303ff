// The principals store in AWS: one DynamoDB item per principal, keyed by name. Read whole (a handful of items)
// and cached by `cachedPrincipals`, so no index on the token hash is needed.
import { type DynamoDBClientConfig, openDocumentClient, PutCommand, ScanCommand } from '../dynamodb/index.ts';
import { PrincipalError } from './errors.ts';
import type { PrincipalRecord } from './principals.ts';
import type { PrincipalStore } from './principals-store.ts';

export interface DynamoDbPrincipalsOptions {
  tableName: string;
  client?: DynamoDBClientConfig;
}

export function openDynamoDbPrincipals(options: DynamoDbPrincipalsOptions): PrincipalStore {
  const { doc: db } = openDocumentClient(options.client ?? {});
  const guard = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new PrincipalError('principals_unavailable', `principals table ${what} failed`, { cause: error });
    }
  };
  const list = () =>
    guard('read', async () => {
      const records: PrincipalRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new ScanCommand({ TableName: options.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        records.push(...((page.Items ?? []) as PrincipalRecord[]));
        start = page.LastEvaluatedKey;
      } while (start);
      return records;
    });
  return {
    list,
    findByTokenHash: async (hash) => (await list()).find((record) => record.tokenSha256 === hash),
    put: (record) =>
      guard('write', async () => {
        await db.send(new PutCommand({ TableName: options.tableName, Item: record }));
      }),
  };
}
