// A stand-in for DynamoDB on 127.0.0.1, just wide enough for Powertools' idempotency layer: PutItem with its
// conditional put, GetItem, UpdateItem (`SET #a = :a, …`) and DeleteItem over the real awsJson1.0 protocol.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type AttributeValue = { S?: string; N?: string; [type: string]: unknown };
type Item = Record<string, AttributeValue>;

interface Request {
  TableName: string;
  Key?: Item;
  Item?: Item;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}

export interface FakeDynamoDb {
  endpoint: string;
  /** Items of a table by their `id`. */
  items(table: string): Map<string, Item>;
  close(): Promise<void>;
}

export async function startFakeDynamoDb(): Promise<FakeDynamoDb> {
  const tables = new Map<string, Map<string, Item>>();
  const table = (name: string) => {
    const existing = tables.get(name);
    if (existing) return existing;
    const created = new Map<string, Item>();
    tables.set(name, created);
    return created;
  };

  const server = createServer(async (req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1];
    const body = JSON.parse(await readBody(req)) as Request;
    const items = table(body.TableName);
    const names = body.ExpressionAttributeNames ?? {};
    const values = body.ExpressionAttributeValues ?? {};
    const id = (body.Key ?? body.Item)?.id?.S ?? '';
    switch (operation) {
      case 'PutItem': {
        const existing = items.get(id);
        if (existing && !claimable(existing, names, values)) {
          return reply(res, 400, {
            __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
            message: 'The conditional request failed',
            Item: existing,
          });
        }
        items.set(id, body.Item ?? {});
        return reply(res, 200, {});
      }
      case 'GetItem': {
        const item = items.get(id);
        return reply(res, 200, item ? { Item: item } : {});
      }
      case 'UpdateItem': {
        const item: Item = { ...(items.get(id) ?? { id: { S: id } }) };
        const assignments = (body.UpdateExpression ?? '').replace(/^SET\s+/i, '').split(',');
        for (const assignment of assignments) {
          const [name, value] = assignment.split('=').map((part) => part.trim());
          item[names[name ?? ''] ?? ''] = values[value ?? ''] ?? {};
        }
        items.set(id, item);
        return reply(res, 200, {});
      }
      case 'DeleteItem':
        items.delete(id);
        return reply(res, 200, {});
      default:
        return reply(res, 400, { __type: 'UnknownOperationException', message: String(operation) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    items: table,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Powertools' condition: the record expired, or it is INPROGRESS and its in-progress expiry has passed. */
function claimable(existing: Item, names: Record<string, string>, values: Item): boolean {
  const num = (v: AttributeValue | undefined) => (v?.N === undefined ? undefined : Number(v.N));
  const expiry = num(existing[names['#expiry'] ?? 'expiration']);
  if (expiry !== undefined && expiry < (num(values[':now']) ?? 0)) return true;
  const status = existing[names['#status'] ?? 'status']?.S;
  const inProgressExpiry = num(existing[names['#in_progress_expiry'] ?? 'in_progress_expiration']);
  return (
    status === values[':inprogress']?.S &&
    inProgressExpiry !== undefined &&
    inProgressExpiry < (num(values[':now_in_millis']) ?? 0)
  );
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8') || '{}';
}
