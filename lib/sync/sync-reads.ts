// How sync reads a kind's query: its columns, its row count, its rows in batches, and the errors it names.
import type { EntityKind } from './entity.ts';
import { SyncError } from './errors.ts';
import { type Column, type Database, describe as describeDbError } from './postgres.ts';
import type { SyncFile } from './sync-file.ts';
import { columnsQuery, countQuery, positionInQuery, type WrappedQuery } from './sync-query.ts';

export async function countRows(db: Database, file: SyncFile, kind: EntityKind): Promise<number> {
  const query = countQuery(file[kind]?.query ?? '');
  try {
    const [row] = await db.query<{ n: string }>(query.sql);
    return Number(row?.n ?? 0);
  } catch (error) {
    throw queryError(file, kind, error, query);
  }
}

export async function readColumns(
  db: Database,
  file: SyncFile,
  kind: EntityKind,
  sql: string,
): Promise<Column[]> {
  const query = columnsQuery(sql);
  try {
    return await db.columns(query.sql);
  } catch (error) {
    throw queryError(file, kind, error, query);
  }
}

export async function* streamRows(
  db: Database,
  file: SyncFile,
  kind: EntityKind,
  query: WrappedQuery,
  size: number,
) {
  const iterator = db.streamText(query.sql, size)[Symbol.asyncIterator]();
  // The next batch is fetched while this one is diffed: the database and the diff work side by side.
  let pending = iterator.next();
  try {
    for (;;) {
      let next: Awaited<typeof pending>;
      try {
        next = await pending;
      } catch (error) {
        throw queryError(file, kind, error, query);
      }
      if (next.done) return;
      pending = iterator.next();
      // If the run stops before awaiting it, its failure must not surface as an unhandled rejection.
      pending.catch(() => {});
      yield next.value;
    }
  } finally {
    // Closes the server-side cursor when the run stops early; an open cursor holds locks on the tables.
    await iterator.return?.();
  }
}

export function queryError(file: SyncFile, kind: EntityKind, error: unknown, query: WrappedQuery): SyncError {
  if (error instanceof SyncError) return error;
  const reason = describeDbError(error, (at) => positionInQuery(query, at));
  return new SyncError('bad_query', `${file.path}: ${kind}.query failed: ${reason}`, { cause: error });
}

export function outOfOrder(file: SyncFile, kind: EntityKind): SyncError {
  return new SyncError(
    'row_order',
    `${file.path}: ${kind}.query rows did not arrive in key order, so the diff stopped before changing anything more`,
  );
}
