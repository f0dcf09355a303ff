// The PostgreSQL adapter (the only module importing `pg`): server-side cursors for reading, plain queries for state.
import pg from 'pg';
import Cursor from 'pg-cursor';
import { SyncError } from './errors.ts';

export interface RowBatch {
  columns: readonly string[];
  rows: Record<string, unknown>[];
}

export interface Database {
  /** Streams a query's rows in batches through a server-side cursor, so memory stays flat at any table size. */
  stream(sql: string, batchSize: number): AsyncIterable<RowBatch>;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  url: string;
  /** What to call the connection in errors (the secret's name — never the URL, which holds a password). */
  label: string;
  connectTimeoutMs?: number;
}

export async function connectPostgres(options: ConnectOptions): Promise<Database> {
  let client: pg.Client | undefined;
  try {
    // Inside the try: pg throws on a malformed URL here, with the whole URL (password included) on the error.
    client = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: 'userflow-bridge-sync',
    });
    // A dropped connection emits 'error' on the client; without a listener it would crash the process.
    client.on('error', () => {});
    await client.connect();
    return new PgDatabase(client);
  } catch (error) {
    await client?.end().catch(() => {});
    const malformed = error instanceof TypeError;
    // The cause is dropped on purpose: pg's errors can carry the connection string.
    throw new SyncError(
      malformed
        ? `the connection URL in ${options.label} is not a valid postgres:// URL`
        : `cannot connect to the database in ${options.label}: ${describe(error)}`,
      { code: malformed ? 'bad_connection_url' : 'database_unreachable', retryable: !malformed },
    );
  }
}

class PgDatabase implements Database {
  constructor(private readonly client: pg.Client) {}

  async *stream(sql: string, batchSize: number): AsyncIterable<RowBatch> {
    const cursor = this.client.query(new Cursor(sql));
    try {
      // The first batch is yielded even when empty: its columns let the caller check the query's shape.
      for (let first = true; ; first = false) {
        const { rows, fields } = await readBatch(cursor, batchSize);
        if (rows.length === 0 && !first) return;
        yield { columns: fields, rows };
        if (rows.length === 0) return;
      }
    } finally {
      await cursor.close().catch(() => {});
    }
  }

  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.client.query(sql, params);
    return result.rows as T[];
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}

function readBatch(
  cursor: Cursor,
  size: number,
): Promise<{ rows: Record<string, unknown>[]; fields: string[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(size, (error, rows, result) => {
      if (error) reject(error);
      else resolve({ rows, fields: (result?.fields ?? []).map((f) => f.name) });
    });
  });
}

/** The database's own message (e.g. `relation "userz" does not exist`) with its SQLSTATE, no connection details. */
export function describe(error: unknown): string {
  const e = error as { message?: string; code?: string; position?: string };
  const where = e.position ? ` at character ${e.position}` : '';
  const code =
    typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)
      ? ` (SQLSTATE ${e.code})`
      : e.code
        ? ` (${e.code})`
        : '';
  return `${e.message ?? String(error)}${where}${code}`;
}
