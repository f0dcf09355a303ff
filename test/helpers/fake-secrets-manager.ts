// A loopback stand-in for AWS Secrets Manager's GetSecretValue over the real awsJson1.1 protocol (there is no npm
// emulator of it), so the SDK client, Powertools' provider and our caches run unmodified in tests and bundles.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';

export interface FakeSecretsManager {
  /** `http://127.0.0.1:<port>`: give it as `endpoint` (or AWS_ENDPOINT_URL_SECRETS_MANAGER) to every client. */
  endpoint: string;
  /**
   * Sets a secret's SecretString (creating it), or with `undefined` deletes it. Each value is a new version, as a
   * rotation makes one; the ARN stays the same.
   */
  put(name: string, secretString: string | undefined): void;
  /** The secret's full ARN (`…:secret:<name>-XXXXXX`), which GetSecretValue accepts as well as the name. */
  arnOf(name: string): string;
  /** The SecretId of every GetSecretValue call, in order, found or not. */
  readonly calls: readonly string[];
  close(): Promise<void>;
}

interface Secret {
  value: string;
  versionId: string;
  createdDate: number;
}

export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const secrets = new Map<string, Secret>();
  const calls: string[] = [];

  const server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = parse(await readBody(req));
    if (target !== 'secretsmanager.GetSecretValue') {
      return fail(res, 'UnknownOperationException', `${target || 'no target'} is not supported here`);
    }
    if (typeof body?.SecretId !== 'string' || body.SecretId === '') {
      return fail(res, 'InvalidParameterException', 'SecretId is required');
    }
    const secretId = body.SecretId;
    calls.push(secretId);
    const name = [...secrets.keys()].find((n) => secretId === n || secretId === arnOf(n));
    const secret = name === undefined ? undefined : secrets.get(name);
    if (name === undefined || secret === undefined) {
      // AWS's own wording; it names no secret either.
      return fail(res, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    reply(res, 200, {
      ARN: arnOf(name),
      Name: name,
      SecretString: secret.value,
      VersionId: secret.versionId,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.createdDate,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    put(name, secretString) {
      if (secretString === undefined) secrets.delete(name);
      else
        secrets.set(name, { value: secretString, versionId: randomUUID(), createdDate: Date.now() / 1000 });
    },
    arnOf,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** AWS appends six random characters to the name; a hash of the name keeps the ARN stable across a run. */
function arnOf(name: string): string {
  const suffix = createHash('sha256').update(name).digest('base64url').replace(/[-_]/g, 'x').slice(0, 6);
  return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${suffix}`;
}

function parse(text: string): { SecretId?: unknown } | undefined {
  try {
    return JSON.parse(text || '{}') as { SecretId?: unknown };
  } catch {
    return undefined;
  }
}

function fail(res: ServerResponse, type: string, message: string): void {
  reply(res, 400, { __type: type, Message: message }, type);
}

function reply(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
