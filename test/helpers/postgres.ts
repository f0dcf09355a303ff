// A real, throwaway PostgreSQL database for a test file: one server per run (see postgres-global-setup.ts), a
// fresh database per caller. Outside that setup it starts a server of its own.
import pg from 'pg';
import { inject } from 'vitest';
import { launchPostgresServer } from '../../lib/local/postgres-server.ts';
import type { BrokeredDatabase, PostgresBroker } from './postgres-global-setup.ts';

export interface TestPostgres {
  url: string;
  port: number;
  /** Runs SQL on a fresh connection (for fixtures). */
  sql(text: string, params?: unknown[]): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const broker = inject('postgresBroker') as PostgresBroker | undefined;
  const database = broker ? await brokered(broker) : await ownServer();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // Idle clients see the database go away on stop(); that is expected, not a crash.
  pool.on('error', () => {});
  return {
    url: database.url,
    port: database.port,
    sql: (text, params) => pool.query(text, params),
    async stop() {
      await pool.end().catch(() => {});
      await database.release();
    },
  };
}

interface Database {
  url: string;
  port: number;
  release(): Promise<void>;
}

async function brokered(broker: PostgresBroker): Promise<Database> {
  const headers = { authorization: `Bearer ${broker.token}` };
  const response = await fetch(`${broker.url}/databases`, { method: 'POST', headers });
  const body = (await response.json()) as BrokeredDatabase & { error?: string };
  if (!response.ok) throw new Error(`no PostgreSQL for this test file: ${body.error ?? response.status}`);
  return {
    url: body.url,
    port: body.port,
    async release() {
      await fetch(`${broker.url}/databases/${body.name}`, { method: 'DELETE', headers }).catch(() => {});
    },
  };
}

async function ownServer(): Promise<Database> {
  const server = await launchPostgresServer();
  return { url: server.url('postgres'), port: server.port, release: () => server.stop() };
}
