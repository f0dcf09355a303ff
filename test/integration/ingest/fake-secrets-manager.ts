// A stand-in for AWS Secrets Manager on 127.0.0.1: answers GetSecretValue over the real awsJson1.1 protocol,
// so the SDK client, Powertools' provider and its cache run unmodified.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSecretsManager {
  endpoint: string;
  /** Sets (or with `undefined` deletes) the SecretString of a secret id. */
  put(secretId: string, secretString: string | undefined): void;
  /** GetSecretValue calls received so far. */
  readonly calls: number;
  close(): Promise<void>;
}

export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const secrets = new Map<string, string>();
  let calls = 0;
  const server = createServer(async (req, res) => {
    const body = JSON.parse((await readBody(req)) || '{}') as { SecretId?: string };
    const target = req.headers['x-amz-target'];
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (target !== 'secretsmanager.GetSecretValue') {
      res.writeHead(400, { 'x-amzn-errortype': 'UnknownOperationException' });
      res.end(JSON.stringify({ __type: 'UnknownOperationException', message: String(target) }));
      return;
    }
    calls += 1;
    const id = body.SecretId ?? '';
    const value = secrets.get(id);
    if (value === undefined) {
      res.writeHead(400, { 'x-amzn-errortype': 'ResourceNotFoundException' });
      res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: `Secret ${id} not found` }));
      return;
    }
    res.writeHead(200);
    res.end(
      JSON.stringify({
        ARN: `arn:aws:secretsmanager:eu-west-1:000000000000:secret:${id}`,
        Name: id,
        SecretString: value,
        VersionId: `v${calls}`,
        CreatedDate: 1_700_000_000,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    put(secretId, secretString) {
      if (secretString === undefined) secrets.delete(secretId);
      else secrets.set(secretId, secretString);
    },
    get calls() {
      return calls;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
