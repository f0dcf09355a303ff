// A throwaway PostgreSQL server for a bench: benches run outside vitest, so test/helpers/postgres.ts's broker
// (a vitest globalSetup) is not there to lend a database.
import pg from 'pg';
import { launchPostgresServer } from '../lib/local/postgres-server.ts';

export interface BenchPostgres {
  url: string;
  sql(text: string, params?: unknown[]): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<BenchPostgres> {
  const server = await launchPostgresServer();
  const url = server.url('postgres');
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  return {
    url,
    sql: (text, params) => pool.query(text, params),
    async stop() {
      await pool.end().catch(() => {});
      await server.stop();
    },
  };
}
