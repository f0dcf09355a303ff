// Test helper: a loopback stand-in for the two AWS JSON APIs the Lambda bundles call besides SQS — Secrets Manager
// GetSecretValue and the four DynamoDB item calls Powertools idempotency makes — so a bundle runs with no cloud.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

export interface FakeAws {
  /** `http://127.0.0.1:N`: use as AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  /** Every call as `Service.Operation` (e.g. `DynamoDB.PutItem`), in order. */
  calls: string[];
  /** Stored items by table name. */
  items(table: string): Item[];
  close(): Promise<void>;
}

export interface FakeAwsOptions {
  /** Secrets by name; looked up by name or by any ARN ending in `:secret:<name>-XXXXXX`. */
  secrets: Record<string, string>;
}

export async function startFakeAws(options: FakeAwsOptions): Promise<FakeAws> {
  const calls: string[] = [];
  const tables = new Map<string, Map<string, Item>>();
  const table = (name: string) => {
    const existing = tables.get(name);
    if (existing) return existing;
    const created = new Map<string, Item>();
    tables.set(name, created);
    return created;
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse((await readBody(req)) || '{}');
    const [service, operation] = target.split('.') as [string, string];
    calls.push(`${service.startsWith('DynamoDB') ? 'DynamoDB' : 'SecretsManager'}.${operation}`);
    try {
      if (target === 'secretsmanager.GetSecretValue')
        return reply(res, 200, getSecret(options.secrets, body.SecretId));
      if (service.startsWith('DynamoDB_'))
        return reply(res, 200, dynamo(table(body.TableName), operation, body));
      return reply(res, 400, { __type: 'UnknownOperationException', message: target });
    } catch (error) {
      const e = error as { type: string; message: string; item?: Item };
      return reply(res, 400, { __type: e.type, message: e.message, ...(e.item ? { Item: e.item } : {}) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    items: (name) => [...table(name).values()],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function getSecret(secrets: Record<string, string>, secretId: string) {
  const name = Object.keys(secrets).find(
    (n) => secretId === n || new RegExp(`:secret:${n}-[A-Za-z0-9]{6}$`).test(secretId),
  );
  if (name === undefined)
    throw { type: 'ResourceNotFoundException', message: 'Secrets Manager cannot find the secret' };
  return {
    ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`,
    Name: name,
    SecretString: secrets[name],
    VersionId: 'v1',
    VersionStages: ['AWSCURRENT'],
    CreatedDate: 1_700_000_000,
  };
}

interface DynamoRequest {
  Key?: Item;
  Item?: Item;
  ConditionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}

function dynamo(table: Map<string, Item>, operation: string, request: DynamoRequest) {
  const keyOf = (item: Item | undefined) => JSON.stringify(item?.id ?? null);
  switch (operation) {
    case 'GetItem': {
      const item = table.get(keyOf(request.Key));
      return item ? { Item: item } : {};
    }
    case 'PutItem': {
      const old = table.get(keyOf(request.Item));
      if (request.ConditionExpression && old && !idempotencyPutAllowed(old, request)) {
        throw {
          type: 'ConditionalCheckFailedException',
          message: 'The conditional request failed',
          item: old,
        };
      }
      table.set(keyOf(request.Item), request.Item as Item);
      return {};
    }
    case 'UpdateItem': {
      const key = keyOf(request.Key);
      const item: Item = { ...(table.get(key) ?? request.Key) };
      for (const assignment of (request.UpdateExpression ?? '').replace(/^SET\s+/i, '').split(',')) {
        const [name, value] = assignment.split('=').map((s) => s.trim()) as [string, string];
        const attribute = request.ExpressionAttributeNames?.[name] ?? name;
        const attributeValue = request.ExpressionAttributeValues?.[value];
        if (attributeValue) item[attribute] = attributeValue;
      }
      table.set(key, item);
      return {};
    }
    case 'DeleteItem':
      table.delete(keyOf(request.Key));
      return {};
    default:
      throw { type: 'UnknownOperationException', message: operation };
  }
}

/**
 * The condition Powertools idempotency puts with: the key is new, or its record expired, or it is an INPROGRESS
 * record whose in-progress lock expired (`#expiry < :now OR (#status = :inprogress AND … < :now_in_millis)`).
 */
function idempotencyPutAllowed(old: Item, request: DynamoRequest): boolean {
  const names = request.ExpressionAttributeNames ?? {};
  const values = request.ExpressionAttributeValues ?? {};
  const number = (v: AttributeValue | undefined) => (v && 'N' in v ? Number(v.N) : Number.NaN);
  const expiry = number(old[names['#expiry'] ?? 'expiration']);
  if (expiry < number(values[':now'])) return true;
  const status = old[names['#status'] ?? 'status'];
  const inProgressExpiry = number(old[names['#in_progress_expiry'] ?? 'in_progress_expiration']);
  return (
    JSON.stringify(status) === JSON.stringify(values[':inprogress']) &&
    inProgressExpiry < number(values[':now_in_millis'])
  );
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
