// One kind of one sync run: the query's rows in key order, merged with the stored state, diffed, queued, committed.
import type { Envelope } from '../commands/index.ts';
import { type ChangeInput, commandFor, envelopeFor } from './commands.ts';
import { diffEntity } from './diff.ts';
import type { EntityKind } from './entity.ts';
import { SyncError } from './errors.ts';
import { mappingPrefix } from './fingerprint.ts';
import { compareKeys } from './key-order.ts';
import { type Column, type Database, describe as describeDbError } from './postgres.ts';
import { splitRecord } from './record-text.ts';
import { createRowMapper } from './row-mapper.ts';
import { StateCursor } from './state-cursor.ts';
import type { RunCounts, ScannedEntry, StateEntry, SyncStateStore } from './state-store.ts';
import type { SyncFile } from './sync-file.ts';
import {
  columnsQuery,
  countQuery,
  HASH,
  KEY,
  orderedQuery,
  positionInQuery,
  RECORD,
  type WrappedQuery,
} from './sync-query.ts';

export interface KindRun {
  file: SyncFile;
  db: Database;
  state: SyncStateStore;
  runId: number;
  dryRun: boolean;
  startedAt: Date;
  counts: RunCounts;
  /** Tallies one change (and may keep it as a sample). */
  record(input: ChangeInput): void;
  /** Queues a chunk's commands (nothing in a dry run). */
  send(envelopes: Envelope[]): Promise<void>;
  /** After each chunk, and once the kind is done: rows diffed so far in this kind. */
  progress(read: number): void;
}

/** State entries read per page of the merge: more than a chunk of rows, fewer round trips. */
const MIN_STATE_PAGE = 1000;

interface Row {
  key: string;
  hash: string;
  /** The row's text (`record_out`), split and parsed only if its hash moved. */
  record: string;
}

/**
 * Syncs one kind and returns how many stored entities vanished from its query. In mirror mode, when they are to
 * be removed, they are marked gone in the state, for the removal pass to find after the deletion cap check.
 */
export async function syncKind(run: KindRun, kind: EntityKind): Promise<{ vanished: number }> {
  const { file, state, counts } = run;
  const query = file[kind];
  if (!query) return { vanished: 0 };
  const columns = await readColumns(run.db, file, kind, query.query);
  const names = columns.map((c) => c.name);
  const mapper = createRowMapper(kind, query, names, file.path);
  const parse = recordParser(run.db, file, kind, columns);
  const prefix = mappingPrefix(mapper.signature);
  const pageSize = Math.max(file.batch_size, MIN_STATE_PAGE);
  const cursor = new StateCursor(state, file.name, kind, pageSize);
  const keepsGone = file.mode === 'mirror' && (kind === 'memberships' || file.delete);

  let vanished = 0;
  let gone: ScannedEntry[] = [];
  let changed: StateEntry[] = [];
  let envelopes: Envelope[] = [];
  const onVanished = (entry: ScannedEntry) => {
    vanished += 1;
    if (keepsGone) gone.push(entry);
  };

  const commit = async () => {
    await run.send(envelopes);
    // Only after the queue took the chunk; a dry run records what it saw, never what it would have sent.
    await state.commit(file.name, kind, run.runId, run.dryRun ? [] : changed, gone);
    envelopes = [];
    changed = [];
    gone = [];
  };
  // Reads state pages up to `key`; a long stretch of vanished entries is marked gone page by page.
  const reach = async (key?: string) => {
    while (key === undefined ? !cursor.done : !cursor.covers(key)) {
      await cursor.advance(onVanished);
      if (gone.length >= pageSize) {
        await state.commit(file.name, kind, run.runId, [], gone);
        gone = [];
      }
    }
  };

  // Called only once the cursor covers the row's key.
  const diffRow = (row: Row) => {
    const before = cursor.take(row.key, onVanished);
    if (before && sameHash(before.hash, prefix, row.hash)) {
      counts.unchanged += 1;
      return;
    }
    const hash = prefix + row.hash;
    const diff = diffEntity(mapper.entity(parse(row.record), row.key), before, hash);
    if (diff.change === 'unchanged') {
      // The row moved but no attribute did (an excluded column, a reordered query): remember the new hash.
      counts.unchanged += 1;
      if (diff.next) changed.push({ key: row.key, state: diff.next });
      return;
    }
    const input: ChangeInput = { kind, key: row.key, change: diff.change, attributes: diff.attributes, hash };
    run.record(input);
    const command = commandFor(input, file.mode, file.delete);
    if (command) envelopes.push(envelopeFor(file.name, input, command, run.startedAt));
    changed.push({ key: row.key, state: diff.next });
  };

  // Each row is diffed once the next one shows it has no duplicate (sorted rows put duplicates side by side).
  let pending: Row | undefined;
  let read = 0;
  const [encoding] = await run.db.query<{ server_encoding: string }>('SHOW server_encoding');
  const ordered = orderedQuery(kind, query.query, names, encoding?.server_encoding ?? '');
  for await (const batch of streamRows(run.db, file, kind, ordered, file.batch_size)) {
    read += batch.rows.length;
    counts.read += batch.rows.length;
    for (const values of batch.rows) {
      const key = values[KEY];
      if (key === null || key === undefined) {
        counts.skipped += 1;
        continue;
      }
      const hash = values[HASH] as string;
      const record = values[RECORD] as string;
      if (pending) {
        const order = compareKeys(key, pending.key);
        if (order === 0) {
          // The query returned the key twice: one row is kept, the same one every run (the lower hash).
          counts.skipped += 1;
          if (hash < pending.hash) pending = { key, hash, record };
          continue;
        }
        if (order < 0) throw outOfOrder(file, kind);
        if (!cursor.covers(pending.key)) await reach(pending.key);
        diffRow(pending);
      }
      pending = { key, hash, record };
    }
    // Chunks of changes, not of rows: most rows change nothing, and each queue send and commit has a fixed cost.
    if (envelopes.length >= file.batch_size || changed.length >= file.batch_size) await commit();
    // The row held back for the duplicate check is not diffed yet, so not counted as read.
    run.progress(pending ? read - 1 : read);
  }
  if (pending) {
    await reach(pending.key);
    diffRow(pending);
  }
  // Whatever is stored after the last row vanished too.
  await reach();
  await commit();
  run.progress(read);
  return { vanished };
}

/** A row's text (`record_out`) → its column values, parsed by each column's type; only for rows whose hash moved. */
function recordParser(
  db: Database,
  file: SyncFile,
  kind: EntityKind,
  columns: readonly Column[],
): (record: string) => unknown[] {
  const parsers = columns.map((c) => db.parser(c.typeId));
  return (record) => {
    let texts: (string | null)[];
    try {
      texts = splitRecord(record);
    } catch (error) {
      throw new SyncError(`${file.path}: ${kind}.query: a row came back in a form the sync cannot read`, {
        code: 'bad_row',
        cause: error,
      });
    }
    if (texts.length !== columns.length) throw columnsChanged(file, kind);
    return texts.map((text, i) => (text === null ? null : (parsers[i] as (t: string) => unknown)(text)));
  };
}

/** `stored === prefix + hash`, without building the string for every row. */
function sameHash(stored: string, prefix: string, hash: string): boolean {
  return stored.length === prefix.length + hash.length && stored.startsWith(prefix) && stored.endsWith(hash);
}

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

async function* streamRows(
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
  return new SyncError(`${file.path}: ${kind}.query failed: ${reason}`, { code: 'bad_query', cause: error });
}

// The query's shape moved between reading its columns and reading its rows (a `SELECT *` on an altered table).
function columnsChanged(file: SyncFile, kind: EntityKind): SyncError {
  return new SyncError(
    `${file.path}: ${kind}.query returned other columns while the sync ran; run it again`,
    {
      code: 'columns_changed',
      retryable: true,
    },
  );
}

export function outOfOrder(file: SyncFile, kind: EntityKind): SyncError {
  return new SyncError(
    `${file.path}: ${kind}.query rows did not arrive in key order, so the diff stopped before changing anything more`,
    { code: 'row_order' },
  );
}
