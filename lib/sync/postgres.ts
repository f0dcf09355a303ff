// The PostgreSQL adapter (the only module importing `pg`): server-side cursors for reading, plain queries for state.
import pg from 'pg';
import Cursor from 'pg-cursor';
import { SyncError } from './errors.ts';

export interface RowBatch {
  columns: readonly string[];
  rows: Record<string, unknown>[];
}

/** Text values as PostgreSQL sent them (NULL is null), not parsed into numbers, Dates, arrays… */
export type TextRow = readonly (string | null)[];

export interface TextRowBatch {
  columns: readonly string[];
  rows: TextRow[];
}

export interface Column {
  name: string;
  /** The PostgreSQL type's OID: picks the parser for the column's text. */
  typeId: number;
}

export interface Database {
  /** Streams a query's rows in batches through a server-side cursor, so memory stays flat at any table size. */
  stream(sql: string, batchSize: number): AsyncIterable<RowBatch>;
  /**
   * Like `stream`, but every value stays text: a reader that needs only a few rows' values (the sync maps only
   * rows whose hash moved) skips the parsing of the rest, most of a read's cost. Parse with `parser`.
   */
  streamText(sql: string, batchSize: number): AsyncIterable<TextRowBatch>;
  /** The columns a query returns (run it under `LIMIT 0` to read none of its rows). */
  columns(sql: string): Promise<Column[]>;
  /** Parses a value's text as `stream` would have: the driver's parser for the type (numbers, Dates, arrays…). */
  parser(typeId: number): (text: string) => unknown;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Another connection to the same database: one connection streams one cursor at a time. Close it too. */
  fork(): Promise<Database>;
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
    return new PgDatabase(client, options);
  } catch (error) {
    await client?.end().catch(() => {});
    const malformed = error instanceof TypeError;
    // The cause is dropped on purpose: pg's errors can carry the connection string.
    throw new SyncError(
      malformed ? 'bad_connection_url' : 'database_unreachable',
      malformed
        ? `the connection URL in ${options.label} is not a valid postgres:// URL`
        : `cannot connect to the database in ${options.label}: ${describe(error)}`,
      { retryable: !malformed },
    );
  }
}

class PgDatabase implements Database {
  constructor(
    private readonly client: pg.Client,
    private readonly options: ConnectOptions,
  ) {}

  fork(): Promise<Database> {
    return connectPostgres(this.options);
  }

  async *stream(sql: string, batchSize: number): AsyncIterable<RowBatch> {
    for await (const { rows, fields } of this.batches<Record<string, unknown>>(new Cursor(sql), batchSize)) {
      yield { columns: fields.map((f) => f.name), rows };
    }
  }

  async *streamText(sql: string, batchSize: number): AsyncIterable<TextRowBatch> {
    const cursor = new Cursor<TextRow>(sql, undefined, { rowMode: 'array', types: AS_TEXT });
    for await (const { rows, fields } of this.batches<TextRow>(cursor, batchSize)) {
      yield { columns: fields.map((f) => f.name), rows };
    }
  }

  async columns(sql: string): Promise<Column[]> {
    const result = await this.client.query({ text: sql, rowMode: 'array' });
    return result.fields.map((f) => ({ name: f.name, typeId: f.dataTypeID }));
  }

  parser(typeId: number): (text: string) => unknown {
    return pg.types.getTypeParser(typeId, 'text');
  }

  private async *batches<R>(cursor: Cursor<R>, batchSize: number) {
    this.client.query(cursor);
    try {
      // The first batch is yielded even when empty: its columns let the caller check the query's shape.
      for (let first = true; ; first = false) {
        const batch = await readBatch(cursor, batchSize);
        if (batch.rows.length === 0 && !first) return;
        yield batch;
        if (batch.rows.length === 0) return;
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

function readBatch<R>(cursor: Cursor<R>, size: number): Promise<{ rows: R[]; fields: pg.FieldDef[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(size, (error, rows, result) => {
      if (error) reject(error);
      else resolve({ rows, fields: result?.fields ?? [] });
    });
  });
}

// Every column as the text PostgreSQL sent: parsing waits until a row is known to be needed.
const asIs = (value: string) => value;
const AS_TEXT = { getTypeParser: () => asIs };

/**
 * The database's own message (e.g. `relation "userz" does not exist`) with its SQLSTATE, no connection details.
 * `position` maps the error's position into the SQL the user wrote (undefined: leave it out).
 */
export function describe(error: unknown, position: (at: number) => number | undefined = (at) => at): string {
  const e = error as { message?: string; code?: string; position?: string };
  const at = e.position ? position(Number(e.position)) : undefined;
  const where = at !== undefined ? ` at character ${at}` : '';
  const code =
    typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)
      ? ` (SQLSTATE ${e.code})`
      : e.code
        ? ` (${e.code})`
        : '';
  return `${e.message ?? String(error)}${where}${code}`;
}
