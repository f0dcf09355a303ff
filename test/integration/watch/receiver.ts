// A local Slack-compatible receiver for the watch tests: records every POST and answers from a script.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status this request was answered with. */
  status: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Bodies of the requests answered 2xx, parsed. */
  delivered(): unknown[];
  close(): Promise<void>;
}

/** `answers` are used in order, one per request; after them every request gets 200 `ok` (as Slack answers). */
export async function startReceiver(
  answers: { status: number; headers?: Record<string, string> }[] = [],
): Promise<Receiver> {
  const queue = [...answers];
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = queue.shift() ?? { status: 200 };
      received.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: answer.status,
      });
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.status === 200 ? 'ok' : 'rate_limited');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    received,
    delivered: () => received.filter((r) => r.status >= 200 && r.status < 300).map((r) => JSON.parse(r.body)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
