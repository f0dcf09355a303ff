// The sync state table's access helpers: one error funnel, conditional writes, batch writes despite throttling,
// strongly consistent Queries. The store (dynamodb-state-store.ts) says what to read and write with them.
import {
  batchWriteAll,
  type DocumentClientOption,
  isConditionFailed,
  openDocumentClient,
  type PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type UpdateCommand,
} from '../dynamodb/index.ts';
import { SyncError } from './errors.ts';

export type Item = Record<string, unknown>;
type Page = { Items?: Item[]; Count?: number; LastEvaluatedKey?: Record<string, unknown> };
export type QueryInput = Omit<QueryCommandInput, 'TableName'>;

const NON_RETRYABLE = new Set(['ResourceNotFoundException', 'ValidationException', 'AccessDeniedException']);

export interface StateTableOptions {
  tableName: string;
  /** A client to share (not destroyed by close()), or the config to build one (`endpoint` for an emulator). */
  client?: DocumentClientOption;
  /** Requests in flight per commit (default 8). */
  concurrency?: number;
  /** Attempts at a batch's unprocessed part before giving up with a retryable error (default 10). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export function openStateTable(options: StateTableOptions) {
  const table = options.tableName;
  // Longer bounds than a webhook's: a Query page may carry 1 MB, and a run is not holding up a request.
  const { doc, close } = openDocumentClient(options.client, { requestTimeoutMs: 10_000, maxAttempts: 3 });
  const concurrency = options.concurrency ?? 8;
  const maxAttempts = options.maxAttempts ?? 10;

  // biome-ignore lint/suspicious/noExplicitAny: one funnel for every command type, each typed at its call site.
  async function send<T = unknown>(operation: string, command: any): Promise<T> {
    try {
      return (await doc.send(command)) as T;
    } catch (error) {
      throw storeError(table, operation, error);
    }
  }

  /** A conditional write: false when its condition failed, which the caller expects now and then. */
  async function conditional(operation: string, command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await send(operation, command);
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  const batchWrite = (requests: Item[]) =>
    batchWriteAll(requests, {
      table,
      send,
      maxAttempts,
      concurrency,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
      throttled: (operation, attempts) =>
        new SyncError(
          'state_store_throttled',
          `sync state table ${table}: ${operation} still throttled after ${attempts} tries`,
          { retryable: true },
        ),
    });

  // Strongly consistent: a run must see its own earlier commits (a key the query returns twice).
  const queryPage = (input: QueryInput) =>
    send<Page>('Query', new QueryCommand({ TableName: table, ConsistentRead: true, ...input }));

  async function* queryAll(input: QueryInput): AsyncGenerator<Page> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await queryPage({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) });
      yield page;
      start = page.LastEvaluatedKey;
    } while (start);
  }

  const partition = (pk: string, attributes: string[] = [], values: Item = {}): QueryInput => ({
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: names('pk', ...attributes),
    ExpressionAttributeValues: { ':pk': pk, ...values },
  });

  const latestRuns = async (pk: string, limit: number) =>
    (await queryPage({ ...partition(pk), ScanIndexForward: false, Limit: limit })).Items ?? [];

  async function countOf(pk: string): Promise<number> {
    let total = 0;
    for await (const page of queryAll({ ...partition(pk), Select: 'COUNT' })) total += page.Count ?? 0;
    return total;
  }

  return { send, conditional, batchWrite, queryPage, queryAll, partition, countOf, latestRuns, close };
}

/** `#name` placeholders for attribute names: `hash`, `status` and others are DynamoDB reserved words. */
export const names = (...attributes: string[]) => Object.fromEntries(attributes.map((a) => [`#${a}`, a]));

function storeError(table: string, operation: string, error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  const e = error as Error;
  return new SyncError(
    'state_store_failed',
    `sync state table ${table}: ${operation} failed: ${e.name}: ${e.message}`,
    { retryable: !NON_RETRYABLE.has(e.name), cause: error },
  );
}
