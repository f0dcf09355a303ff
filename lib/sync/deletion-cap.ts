// The deletion cap of mirror mode, checked before a run queues anything: a refused run must leave Userflow as it was.
import { ENTITY_KINDS, type EntityKind } from './entity.ts';
import { DeletionCapError } from './errors.ts';
import { compareKeys } from './key-order.ts';
import type { Database, TextRowBatch } from './postgres.ts';
import { StateCursor } from './state-cursor.ts';
import type { SyncStateStore } from './state-store.ts';
import type { SyncFile } from './sync-file.ts';
import { keysQuery } from './sync-query.ts';
import { outOfOrder, queryError, readColumns } from './sync-reads.ts';

export interface DeletionCap {
  ratio: number;
  at_least: number;
}

/** A removal of `vanished` of `known` entities passes the cap if it is within either bound. */
export function overCap(vanished: number, known: number, cap: DeletionCap): boolean {
  return vanished > cap.at_least && vanished > cap.ratio * known;
}

/** The kinds a run of this file removes from Userflow when their rows vanish. */
export function removingKinds(file: SyncFile): EntityKind[] {
  if (file.mode !== 'mirror') return [];
  return ENTITY_KINDS.filter((kind) => file[kind] && (kind === 'memberships' || file.delete));
}

/**
 * Throws `DeletionCapError` when a run would remove more of some kind than the cap allows. Reads only the keys of
 * each removing kind's query (one extra scan, in mirror mode only, and skipped when the sync knows no more
 * entities than `at_least`), merged with the stored state as the run itself does.
 *
 * The scan reads on a connection of its own (forked from `db` when one is needed), so the run's own merge can
 * read on `db` meanwhile: the run queues nothing until this has passed.
 */
export async function checkDeletionCap(db: Database, file: SyncFile, state: SyncStateStore): Promise<void> {
  let own: Database | undefined;
  try {
    for (const kind of removingKinds(file)) {
      const known = await state.entities(file.name, kind).count();
      if (!overCap(known, known, file.max_delete)) continue;
      own ??= await db.fork();
      const vanished = await countVanished(own, file, state, kind);
      if (overCap(vanished, known, file.max_delete))
        throw new DeletionCapError(kind, vanished, known, file.max_delete);
    }
  } finally {
    await own?.close();
  }
}

/** How many stored entities of one kind the query no longer returns. */
export async function countVanished(
  db: Database,
  file: SyncFile,
  state: SyncStateStore,
  kind: EntityKind,
): Promise<number> {
  const sql = file[kind]?.query ?? '';
  const names = (await readColumns(db, file, kind, sql)).map((c) => c.name);
  const [encoding] = await db.query<{ server_encoding: string }>('SHOW server_encoding');
  const query = keysQuery(kind, sql, names, encoding?.server_encoding ?? '');
  const cursor = new StateCursor(state.entities(file.name, kind), Math.max(file.batch_size, 1000));
  let vanished = 0;
  const onVanished = () => {
    vanished += 1;
  };
  let previous: string | undefined;
  const rows = db.streamText(query.sql, file.batch_size)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<TextRowBatch>;
      try {
        next = await rows.next();
      } catch (error) {
        throw queryError(file, kind, error, query);
      }
      if (next.done) break;
      for (const [key] of next.value.rows) {
        if (key === null || key === undefined) continue;
        if (previous !== undefined && compareKeys(key, previous) < 0) throw outOfOrder(file, kind);
        previous = key;
        while (!cursor.covers(key)) await cursor.advance(onVanished);
        cursor.take(key, onVanished);
      }
    }
  } finally {
    // Closes the server-side cursor when the check stops early.
    await rows.return?.();
  }
  while (!cursor.done) await cursor.advance(onVanished);
  return vanished;
}
