// A Powertools idempotency persistence layer on SQLite: the embedded store for local mode and tests.
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { IdempotencyRecordStatusValue } from '@aws-lambda-powertools/idempotency/types';
import { openSqliteDatabase, type SqliteDatabase } from '../sqlite/sqlite-db.ts';

type Statement = ReturnType<SqliteDatabase['prepare']>;

export interface SqlitePersistenceLayerOptions {
  /** The database file (`:memory:` for a throwaway store); parent folders are created. */
  path: string;
  /** Table name (default `idempotency`); letters, digits and `_` only. */
  tableName?: string;
  /** Expired rows are deleted at most this often, on a write (default 60 s). */
  pruneIntervalSeconds?: number;
}

interface Row {
  id: string;
  status: string;
  expiration: number | null;
  in_progress_expiration: number | null;
  data: string | null;
  validation: string | null;
}

/**
 * Mirrors DynamoDBPersistenceLayer: `_putRecord` is a conditional put that succeeds only when the key is absent,
 * its record expired (`expiration`, epoch seconds), or it is INPROGRESS with an in-progress expiry (epoch ms)
 * in the past; otherwise it throws IdempotencyItemAlreadyExistsError carrying the existing record. The check and
 * the write are one SQL statement, so two processes sharing the file cannot both win.
 */
export class SqlitePersistenceLayer extends BasePersistenceLayer {
  readonly #db: SqliteDatabase;
  readonly #table: string;
  readonly #pruneIntervalMs: number;
  #lastPrune = 0;
  // Prepared once: preparing a statement costs more than running it, and every request runs the same few.
  readonly #put: Statement;
  readonly #get: Statement;
  readonly #delete: Statement;
  readonly #deleteExpired: Statement;
  /** The update's SET list depends on the record (data or not) and the config (validation or not). */
  readonly #updates: (Statement | undefined)[] = [];

  constructor(options: SqlitePersistenceLayerOptions) {
    super();
    const table = options.tableName ?? 'idempotency';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`invalid idempotency table name: ${table}`);
    this.#table = table;
    this.#pruneIntervalMs = (options.pruneIntervalSeconds ?? 60) * 1000;
    this.#db = openSqliteDatabase(options.path);
    this.#db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      expiration INTEGER,
      in_progress_expiration INTEGER,
      data TEXT,
      validation TEXT
    ) WITHOUT ROWID`);
    this.#put = this.#db.prepare(
      `INSERT INTO ${table} (id, status, expiration, in_progress_expiration, data, validation)
       VALUES (@id, @status, @expiration, @inProgress, NULL, @validation)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, expiration = excluded.expiration,
         in_progress_expiration = excluded.in_progress_expiration, data = NULL, validation = excluded.validation
       WHERE ${table}.expiration < @nowSeconds
          OR (${table}.status = 'INPROGRESS' AND ${table}.in_progress_expiration IS NOT NULL
              AND ${table}.in_progress_expiration < @nowMs)`,
    );
    this.#get = this.#db.prepare(`SELECT * FROM ${table} WHERE id = ?`);
    this.#delete = this.#db.prepare(`DELETE FROM ${table} WHERE id = ?`);
    this.#deleteExpired = this.#db.prepare(`DELETE FROM ${table} WHERE expiration < ?`);
  }

  /** Throws when the store cannot be read now (closed, locked past the busy timeout, unreadable file): `/readyz`. */
  ready(): void {
    this.#get.get('readyz-probe');
  }

  close(): void {
    this.#db.close();
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const now = Date.now();
    this.#prune(now);
    const result = this.#put.run({
      id: record.idempotencyKey,
      status: record.getStatus(),
      expiration: record.expiryTimestamp ?? null,
      inProgress: record.inProgressExpiryTimestamp ?? null,
      validation: this.isPayloadValidationEnabled() ? (record.payloadHash ?? null) : null,
      nowSeconds: now / 1000,
      nowMs: now,
    });
    if (result.changes > 0) return;
    const existing = this.#select(record.idempotencyKey);
    throw new IdempotencyItemAlreadyExistsError(
      `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
      existing ? toRecord(existing) : undefined,
    );
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const row = this.#select(idempotencyKey);
    if (!row) throw new IdempotencyItemNotFoundError();
    return toRecord(row);
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.#update(record.responseData !== undefined, this.isPayloadValidationEnabled()).run({
      id: record.idempotencyKey,
      status: record.getStatus(),
      expiration: record.expiryTimestamp ?? null,
      data: record.responseData === undefined ? null : JSON.stringify(record.responseData),
      validation: record.payloadHash ?? null,
    });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.#delete.run(record.idempotencyKey);
  }

  #select(id: string): Row | undefined {
    return this.#get.get(id) as Row | undefined;
  }

  #update(withData: boolean, withValidation: boolean): Statement {
    const variant = (withData ? 1 : 0) + (withValidation ? 2 : 0);
    let statement = this.#updates[variant];
    if (!statement) {
      const sets = ['status = @status', 'expiration = @expiration'];
      if (withData) sets.push('data = @data');
      if (withValidation) sets.push('validation = @validation');
      statement = this.#db.prepare(`UPDATE ${this.#table} SET ${sets.join(', ')} WHERE id = @id`);
      this.#updates[variant] = statement;
    }
    return statement;
  }

  // DynamoDB's TTL deletes expired items eventually; here a write now and then does it.
  #prune(now: number): void {
    if (now - this.#lastPrune < this.#pruneIntervalMs) return;
    this.#lastPrune = now;
    this.#deleteExpired.run(now / 1000);
  }
}

function toRecord(row: Row): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey: row.id,
    status: row.status as IdempotencyRecordStatusValue,
    expiryTimestamp: row.expiration ?? undefined,
    inProgressExpiryTimestamp: row.in_progress_expiration ?? undefined,
    responseData: row.data === null ? undefined : (JSON.parse(row.data) as JSONValue),
    payloadHash: row.validation ?? undefined,
  });
}
