// The @hono/node-server adapter, the one module that loads it: serves a fetch handler on host:port and closes
// promptly (idle keep-alive sockets included). The sandbox, the console and local ingest all listen through it.
import type { AddressInfo } from 'node:net';
import { serve as nodeServe } from '@hono/node-server';

export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

/** What a server hands each request to: a Hono app's `fetch`, or any handler of the same shape. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

export function serve(fetch: FetchHandler, host: string, port: number): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    const server = nodeServe({ fetch, hostname: host, port }, (info: AddressInfo) => {
      server.off('error', reject);
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Keep-alive connections would otherwise hold close() open until they time out.
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}

/** A Hono app (anything with a `fetch`), served as `serve` does. */
export function listen(app: { fetch: FetchHandler }, host: string, port: number): Promise<ListeningServer> {
  return serve(app.fetch, host, port);
}

/** A wildcard bind is reached through loopback from this machine. */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
