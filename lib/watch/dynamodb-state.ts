// Alert state in DynamoDB, for the AWS watch function: partition `watch`, sort key `target` (user and session).
import {
  DeleteCommand,
  type DocumentClientOption,
  GetCommand,
  openDocumentClient,
  PutCommand,
  paginateQuery,
  paginateScan,
} from '../dynamodb/index.ts';
import type { AlertRecord, AlertState } from './state.ts';

export interface DynamoDbAlertStateOptions {
  tableName: string;
  /** A document client to share, or the config to build one with the house call timeouts (default `{}`). */
  client?: DocumentClientOption;
}

/** The sort key of a watch's run cursor: no alert target is a JSON array starting `#`. */
const CURSOR_TARGET = '#cursor';

/** The watch's one DynamoDB module. Each put is one PutItem, made after the 2xx. */
export function dynamoDbAlertState(options: DynamoDbAlertStateOptions): AlertState {
  const { doc: documents } = openDocumentClient(options.client);
  const TableName = options.tableName;
  const target = (userId: string, sessionId: string) => JSON.stringify([userId, sessionId]);
  const toRecord = (item: Record<string, unknown>): AlertRecord => {
    const { target: _key, ...record } = item;
    return record as unknown as AlertRecord;
  };
  return {
    async get(watch, userId, sessionId) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName,
          Key: { watch, target: target(userId, sessionId) },
          ConsistentRead: true,
        }),
      );
      return Item ? toRecord(Item) : undefined;
    },
    async put(record) {
      await documents.send(
        new PutCommand({ TableName, Item: { ...record, target: target(record.user_id, record.session_id) } }),
      );
    },
    async list(watch) {
      const records: AlertRecord[] = [];
      const pages =
        watch === undefined
          ? paginateScan({ client: documents }, { TableName })
          : paginateQuery(
              { client: documents },
              {
                TableName,
                KeyConditionExpression: '#w = :w',
                ExpressionAttributeNames: { '#w': 'watch' },
                ExpressionAttributeValues: { ':w': watch },
              },
            );
      for await (const page of pages)
        for (const item of page.Items ?? []) if (item.target !== CURSOR_TARGET) records.push(toRecord(item));
      return records;
    },
    async getCursor(watch) {
      const { Item } = await documents.send(
        new GetCommand({ TableName, Key: { watch, target: CURSOR_TARGET }, ConsistentRead: true }),
      );
      return typeof Item?.after === 'string' ? Item.after : undefined;
    },
    async putCursor(watch, after) {
      const Key = { watch, target: CURSOR_TARGET };
      if (after === undefined) await documents.send(new DeleteCommand({ TableName, Key }));
      else await documents.send(new PutCommand({ TableName, Item: { ...Key, after } }));
    },
  };
}
