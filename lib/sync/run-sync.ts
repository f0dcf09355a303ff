// One sync run: stream each query, diff every entity against the last run, queue only changes, then commit.
import { type Envelope, envelopeMessage } from '../commands/index.ts';
import type { Queue } from '../queue/queue.ts';
import { type ChangeInput, commandFor, envelopeFor } from './commands.ts';
import { diffEntity } from './diff.ts';
import { ENTITY_KINDS, type EntityKind } from './entity.ts';
import { DeletionCapError, SyncError } from './errors.ts';
import { rowHash } from './fingerprint.ts';
import { type Database, describe as describeDbError } from './postgres.ts';
import { createRowMapper, type RowMapper } from './row-mapper.ts';
import type { RunCounts, StateEntry, SyncStateStore } from './state-store.ts';
import type { SyncFile } from './sync-file.ts';

export interface SyncProgress {
  kind: EntityKind | 'removals';
  /** Rows read so far in this kind, and the total when it was counted up front. */
  read: number;
  total?: number;
  counts: RunCounts;
}

export interface SyncRunOptions {
  file: SyncFile;
  db: Database;
  state: SyncStateStore;
  /** Where commands go; absent in a dry run. */
  queue?: Queue;
  dryRun?: boolean;
  /** Count each query's rows first, so progress can show an ETA (costs one extra scan). */
  countFirst?: boolean;
  clock?: () => Date;
  onProgress?: (progress: SyncProgress) => void;
  /** How many example changes per kind a dry run keeps for its report. */
  sampleSize?: number;
}

export interface SyncSample {
  kind: EntityKind;
  change: ChangeInput['change'];
  key: string;
  attributes: Record<string, unknown>;
}

export interface SyncResult {
  runId: number;
  counts: RunCounts;
  byKind: Record<EntityKind, { created: number; updated: number; removed: number }>;
  samples: SyncSample[];
}

const emptyCounts = (): RunCounts => ({
  read: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  removed: 0,
  skipped: 0,
  queued: 0,
});

export async function runSync(options: SyncRunOptions): Promise<SyncResult> {
  const { file, state, db } = options;
  const dryRun = options.dryRun ?? false;
  if (!dryRun && !options.queue) throw new TypeError('runSync needs a queue unless dryRun is set');
  const startedAt = (options.clock ?? (() => new Date()))();
  const counts = emptyCounts();
  const byKind = Object.fromEntries(
    ENTITY_KINDS.map((k) => [k, { created: 0, updated: 0, removed: 0 }]),
  ) as SyncResult['byKind'];
  const samples: SyncSample[] = [];
  const sampleSize = options.sampleSize ?? 5;
  const runId = await state.startRun({
    sync: file.name,
    file: file.path,
    mode: file.mode,
    dryRun,
    startedAt,
  });

  const record = (input: ChangeInput) => {
    const kindCounts = byKind[input.kind];
    kindCounts[input.change] += 1;
    counts[input.change] += 1;
    if (samples.filter((s) => s.kind === input.kind).length < sampleSize) {
      samples.push({ kind: input.kind, change: input.change, key: input.key, attributes: input.attributes });
    }
  };

  const send = async (envelopes: Envelope[]) => {
    if (dryRun || envelopes.length === 0) return;
    await (options.queue as Queue).send(envelopes.map(envelopeMessage));
    counts.queued += envelopes.length;
  };

  try {
    for (const kind of ENTITY_KINDS) {
      const query = file[kind];
      if (!query) continue;
      const total = options.countFirst ? await countRows(db, file, kind, query.query) : undefined;
      let read = 0;
      let mapper: RowMapper | undefined;
      for await (const batch of streamQuery(db, file, kind, query.query)) {
        mapper ??= createRowMapper(kind, query, batch.columns, file.path);
        const rowMapper = mapper;
        read += batch.rows.length;
        counts.read += batch.rows.length;

        const rows = new Map<string, Record<string, unknown>>();
        for (const row of batch.rows) {
          const key = rowMapper.key(row);
          if (key === undefined || rows.has(key)) counts.skipped += 1;
          else rows.set(key, row);
        }
        const previous = await state.lookup(file.name, kind, [...rows.keys()]);
        const changed: StateEntry[] = [];
        // Only mirror mode needs to know which entities vanished; marking every row seen costs a write per row.
        const seen: string[] = [];
        const envelopes: Envelope[] = [];
        for (const [key, row] of rows) {
          const before = previous.get(key);
          // Seen earlier in this very run: the query returned the same key twice.
          if (before?.seenRun === runId) {
            counts.skipped += 1;
            continue;
          }
          if (file.mode === 'mirror') seen.push(key);
          const hash = rowHash(rowMapper.signature, row, () => rowMapper.entity(row, key));
          if (before?.hash === hash) {
            counts.unchanged += 1;
            continue;
          }
          const diff = diffEntity(rowMapper.entity(row, key), before, hash);
          if (diff.change === 'unchanged') {
            // The row moved but no attribute did (an excluded column, a reordered query): remember the new hash.
            counts.unchanged += 1;
            if (diff.next) changed.push({ key, state: diff.next });
            continue;
          }
          const input: ChangeInput = { kind, key, change: diff.change, attributes: diff.attributes, hash };
          record(input);
          const command = commandFor(input, file.mode, file.delete);
          if (command) envelopes.push(envelopeFor(file.name, input, command, startedAt));
          changed.push({ key, state: diff.next });
        }
        await send(envelopes);
        // Only after the queue took the chunk; a dry run records what it saw, never what it would have sent.
        await state.commit(file.name, kind, runId, dryRun ? [] : changed, seen);
        options.onProgress?.({ kind, read, ...(total !== undefined ? { total } : {}), counts });
      }
    }

    if (file.mode === 'mirror') {
      for (const kind of ['memberships', 'users', 'groups'] as const) {
        if (!file[kind] || (kind !== 'memberships' && !file.delete)) continue;
        await removeVanished(kind);
      }
    }
    await state.finishRun(runId, { status: 'succeeded', counts });
    return { runId, counts, byKind, samples };
  } catch (error) {
    await state
      .finishRun(runId, { status: 'failed', error: (error as Error).message, counts })
      .catch(() => {});
    throw error;
  }

  async function removeVanished(kind: EntityKind): Promise<void> {
    const vanished = await state.countUnseen(file.name, kind, runId);
    if (vanished === 0) return;
    const known = await state.count(file.name, kind);
    if (vanished > file.max_delete_ratio * known)
      throw new DeletionCapError(kind, vanished, known, file.max_delete_ratio);
    for await (const batch of state.unseen(file.name, kind, runId, file.batch_size)) {
      const envelopes: Envelope[] = [];
      for (const { key, state: stored } of batch) {
        const input: ChangeInput = { kind, key, change: 'removed', attributes: {}, hash: stored.hash };
        record(input);
        const command = commandFor(input, file.mode, file.delete);
        if (command) envelopes.push(envelopeFor(file.name, input, command, startedAt));
      }
      await send(envelopes);
      if (!dryRun)
        await state.forget(
          file.name,
          kind,
          batch.map((b) => b.key),
        );
      options.onProgress?.({ kind: 'removals', read: counts.removed, counts });
      // A dry run forgets nothing, so the next page would repeat this one: one page is a fair sample.
      if (dryRun) break;
    }
  }
}

async function* streamQuery(db: Database, file: SyncFile, kind: EntityKind, sql: string) {
  const iterator = db.stream(sql, file.batch_size)[Symbol.asyncIterator]();
  // The next batch is fetched while this one is diffed: the database and the diff work side by side.
  let pending = iterator.next();
  try {
    for (;;) {
      let next: Awaited<typeof pending>;
      try {
        next = await pending;
      } catch (error) {
        throw queryError(file, kind, error);
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

async function countRows(db: Database, file: SyncFile, kind: EntityKind, sql: string): Promise<number> {
  try {
    const [row] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM (${stripSemicolon(sql)}) AS q`);
    return Number(row?.n ?? 0);
  } catch (error) {
    throw queryError(file, kind, error);
  }
}

const stripSemicolon = (sql: string) => sql.trim().replace(/;\s*$/, '');

function queryError(file: SyncFile, kind: EntityKind, error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  return new SyncError(`${file.path}: ${kind}.query failed: ${describeDbError(error)}`, {
    code: 'bad_query',
    cause: error,
  });
}
