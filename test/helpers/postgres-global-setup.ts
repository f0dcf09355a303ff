// vitest globalSetup: one PostgreSQL server per test run, started when the first file asks, a database per file.
//
// Files run in worker processes, so they ask this process over a small local HTTP endpoint; the server lives
// here, for the whole run, and stops at teardown. A failed start is kept, so every later file fails at once
// with the same message.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { launchPostgresServer, type PostgresServer } from '../../lib/local/postgres-server.ts';

export interface PostgresBroker {
  url: string;
  token: string;
}

export interface BrokeredDatabase {
  name: string;
  url: string;
  port: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresBroker: PostgresBroker;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const token = randomBytes(16).toString('hex');
  let server: Promise<PostgresServer> | undefined;
  let created = 0;
  // CREATE and DROP DATABASE one at a time: concurrent copies of one template can fail.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => {});
    return next;
  };

  async function admin(sql: string): Promise<PostgresServer> {
    server ??= launchPostgresServer();
    const running = await server;
    const client = new pg.Client({ connectionString: running.url('postgres') });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
    return running;
  }

  async function handle(request: IncomingMessage): Promise<[number, unknown]> {
    if (request.headers.authorization !== `Bearer ${token}`) return [403, { error: 'forbidden' }];
    if (request.method === 'POST' && request.url === '/databases') {
      const name = `ufb_${process.pid}_${++created}`;
      const running = await serially(() => admin(`CREATE DATABASE ${name}`));
      return [200, { name, url: running.url(name), port: running.port } satisfies BrokeredDatabase];
    }
    const drop = request.method === 'DELETE' ? request.url?.match(/^\/databases\/(ufb_\d+_\d+)$/) : null;
    if (drop?.[1]) {
      await serially(() => admin(`DROP DATABASE IF EXISTS ${drop[1]} WITH (FORCE)`));
      return [204, undefined];
    }
    return [404, { error: `no route ${request.method} ${request.url}` }];
  }

  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    handle(request).then(
      ([status, body]) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? null)),
      (error: unknown) =>
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: (error as Error)?.message ?? String(error) })),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  project.provide('postgresBroker', { url: `http://127.0.0.1:${port}`, token });

  return async () => {
    await new Promise<void>((resolve) => http.close(() => resolve()));
    const running = await server?.catch(() => undefined);
    await running?.stop();
  };
}
