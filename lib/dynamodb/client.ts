// The one module on the DynamoDB SDK: every table adapter (trail, sync state, idempotency, budget, watches,
// principals) gets its client and commands here, so call bounds, marshalling and "who closes a shared client"
// are decided once.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type CallTimeouts, withCallTimeouts } from '../aws-timeouts.ts';

export {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
export {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/**
 * A document client to share (the caller keeps it and closes it), or the config to build one. A built client gets
 * bounded calls and reads AWS_ENDPOINT_URL_DYNAMODB itself (the SDK's own env handling), so dynalite needs no
 * extra option.
 */
export type DocumentClientOption = DynamoDBDocumentClient | DynamoDBClientConfig;

export interface OpenedDocumentClient {
  doc: DynamoDBDocumentClient;
  /** Destroys the client if it was built here; a shared one is left to its owner. */
  close(): void;
}

/** A document client that drops `undefined` attributes (optional fields are simply absent from the item). */
export function openDocumentClient(
  option: DocumentClientOption = {},
  timeouts?: CallTimeouts,
): OpenedDocumentClient {
  if ('send' in option) return { doc: option, close: () => {} };
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(withCallTimeouts(option, timeouts)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { doc, close: () => doc.destroy() };
}

/** A low-level client with every call bounded (`lib/aws-timeouts.ts`). */
export function openClient(config: DynamoDBClientConfig = {}, timeouts?: CallTimeouts): DynamoDBClient {
  return new DynamoDBClient(withCallTimeouts(config, timeouts));
}

/** True when a conditional write lost (the condition was false), directly or as the cause of a wrapped error. */
export function isConditionFailed(error: unknown): boolean {
  for (let e = error as { name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.name === 'ConditionalCheckFailedException') return true;
  }
  return false;
}
