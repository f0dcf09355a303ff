// The budget in AWS: one item per budget in the budget table, replaced with a conditional write on its version,
// so every deliver function (any queue, any concurrency) leases from the same state. A lease hands out a block
// of calls, so a Userflow call costs a fraction of one read and one write.
import {
  type DynamoDBClientConfig,
  GetItemCommand,
  isConditionFailed,
  openClient,
  PutItemCommand,
} from '../dynamodb/index.ts';
import type { BudgetState } from './allocation.ts';
import type { LeaseStore } from './lease-store.ts';

export interface DynamoDbLeaseStoreOptions {
  tableName: string;
  /** The budget's partition key value: one per Userflow environment. */
  key?: string;
  client?: DynamoDBClientConfig;
  /** Conflicting writers retried before giving up (default 25). */
  maxAttempts?: number;
}

/** The table's partition key attribute (the stack creates the table with it). */
export const BUDGET_TABLE_KEY = 'pk';

export function dynamoDbLeaseStore(options: DynamoDbLeaseStoreOptions): LeaseStore {
  // Fail fast: a slow table must not hold a call longer than the fallback slice would.
  const client = openClient({ maxAttempts: 1, ...options.client });
  const key = { [BUDGET_TABLE_KEY]: { S: options.key ?? 'userflow' } };
  const maxAttempts = options.maxAttempts ?? 25;
  return {
    async update(step) {
      for (let attempt = 1; ; attempt++) {
        const item = (
          await client.send(
            new GetItemCommand({ TableName: options.tableName, Key: key, ConsistentRead: true }),
          )
        ).Item;
        const version = item?.version?.N;
        const { state, result } = step(
          item?.state?.S ? (JSON.parse(item.state.S) as BudgetState) : undefined,
        );
        try {
          await client.send(
            new PutItemCommand({
              TableName: options.tableName,
              Item: {
                ...key,
                state: { S: JSON.stringify(state) },
                version: { N: String(Number(version ?? 0) + 1) },
              },
              ...(version === undefined
                ? {
                    ConditionExpression: 'attribute_not_exists(#pk)',
                    ExpressionAttributeNames: { '#pk': BUDGET_TABLE_KEY },
                  }
                : {
                    ConditionExpression: '#v = :v',
                    ExpressionAttributeNames: { '#v': 'version' },
                    ExpressionAttributeValues: { ':v': { N: version } },
                  }),
            }),
          );
          return result;
        } catch (error) {
          if (!isConditionFailed(error) || attempt >= maxAttempts) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 5)));
        }
      }
    },
    close: () => client.destroy(),
  };
}
