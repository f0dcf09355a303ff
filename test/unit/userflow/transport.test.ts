import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { USERFLOW_VERSION, UserflowClient, UserflowNetworkError } from '../../../lib/userflow/index.ts';
import { createUserRequestBody, createUserResponse } from './documented-examples.ts';

const API_KEY = 'ak_transporttransporttransp';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void) {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const entry = {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    seen.push(entry);
    handler(req, res, entry);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, seen };
}

const answer = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

describe('the undici transport over real HTTP', () => {
  it('sends method, target, the four headers and the JSON body', async () => {
    const { baseUrl, seen } = await serve(answer(200, createUserResponse));
    const client = new UserflowClient({ apiKey: API_KEY, baseUrl });
    await client.createOrUpdateUser(createUserRequestBody);
    const [request] = seen;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/users');
    expect(request?.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      'userflow-version': USERFLOW_VERSION,
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual(createUserRequestBody);
  });

  it('sends the repeated expand[] and encoded ids on the request line', async () => {
    const { baseUrl, seen } = await serve(answer(200, createUserResponse));
    const client = new UserflowClient({ apiKey: API_KEY, baseUrl });
    await client.getUser('user 8841/x', { expand: ['memberships', 'groups'] });
    expect(seen[0]?.url).toBe('/users/user%208841%2Fx?expand[]=memberships&expand[]=groups');
    expect(seen[0]?.headers['content-type']).toBeUndefined();
  });

  it('reads the status and headers of an error response', async () => {
    const { baseUrl } = await serve((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' }).end('{"error":{}}');
    });
    const client = new UserflowClient({ apiKey: API_KEY, baseUrl });
    await expect(client.listUsers()).rejects.toMatchObject({ status: 429, retryAfterSeconds: 3 });
  });

  it('times out a server that never answers', async () => {
    const { baseUrl } = await serve(() => {
      // never respond
    });
    const client = new UserflowClient({ apiKey: API_KEY, baseUrl, timeoutMs: 100 });
    const error = await client.getUser('u1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserflowNetworkError);
    expect(error).toMatchObject({ reason: 'timeout', retryable: true, action: 'getUser' });
  });

  it('times out a body that stops half-way', async () => {
    const { baseUrl } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":');
    });
    const client = new UserflowClient({ apiKey: API_KEY, baseUrl, timeoutMs: 100 });
    await expect(client.getUser('u1')).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('reports a closed port as a connection failure', async () => {
    const { baseUrl } = await serve(answer(200, {}));
    const server = servers.pop();
    server?.close();
    if (server) await once(server, 'close');
    const client = new UserflowClient({ apiKey: API_KEY, baseUrl });
    const error = await client.getUser('u1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserflowNetworkError);
    expect(error).toMatchObject({ reason: 'connection', code: 'network_error' });
  });
});

describe('the dispatcher option', () => {
  it('routes calls through the given undici dispatcher with the headers', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://api.eu.userflow.com')
      .intercept({
        path: '/event_definitions?limit=5',
        method: 'GET',
        headers: {
          authorization: `Bearer ${API_KEY}`,
          'userflow-version': USERFLOW_VERSION,
          accept: 'application/json',
        },
      })
      .reply(200, { data: [], has_more: false, next_page_url: null });
    const client = new UserflowClient({ apiKey: API_KEY, region: 'eu', dispatcher: agent });
    await expect(client.listEventDefinitions({ limit: 5 })).resolves.toMatchObject({
      data: [],
      has_more: false,
    });
    agent.assertNoPendingInterceptors();
    await agent.close();
  });
});
