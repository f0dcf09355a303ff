// One sync run: each kind's query merged with the stored state in key order, only changes queued, then committed.
import { type Envelope, envelopeMessage } from '../commands/index.ts';
import type { Queue } from '../queue/queue.ts';
import { type ChangeInput, commandFor, envelopeFor } from './commands.ts';
import { checkDeletionCap, overCap } from './deletion-cap.ts';
import { ENTITY_KINDS, type EntityKind } from './entity.ts';
import { DeletionCapError } from './errors.ts';
import type { Database } from './postgres.ts';
import type { RunCounts, SyncStateStore } from './state-store.ts';
import type { SyncFile } from './sync-file.ts';
import { type KindRun, syncKind, syncUsersAndMemberships } from './sync-kind.ts';
import { countRows } from './sync-reads.ts';

export interface SyncProgress {
  kind: EntityKind | 'removals';
  /** Rows read so far in this kind, and the total when it was counted up front. */
  read: number;
  total?: number;
  /** Changes found and commands queued in this phase (this kind, or the removals): they add up to the run's. */
  changed: number;
  queued: number;
  /** The whole run's counts so far. */
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

  // Each phase's figures, for progress: each phase's last report agrees with the summary's line for it. A
  // kind's phase counts its changes and the commands queued for them (a folded upsert counts for the user).
  const phases = new Map<EntityKind | 'removals', { changed: number; queued: number }>();
  let removing = false;
  const phaseOf = (kind: EntityKind) => {
    const key = removing ? 'removals' : kind;
    const phase = phases.get(key) ?? { changed: 0, queued: 0 };
    phases.set(key, phase);
    return phase;
  };
  const record = (input: ChangeInput) => {
    phaseOf(input.kind).changed += 1;
    const kindCounts = byKind[input.kind];
    kindCounts[input.change] += 1;
    counts[input.change] += 1;
    if (samples.filter((s) => s.kind === input.kind).length < sampleSize) {
      samples.push({ kind: input.kind, change: input.change, key: input.key, attributes: input.attributes });
    }
  };

  // The deletion cap is checked beside the merge, which starts at once (PostgreSQL sorts both queries at the
  // same time); every send waits for it, so a run the cap refuses still queues nothing, not even its creates.
  const capChecked = checkDeletionCap(db, file, state);
  // Awaited below on every path: until then its failure must not surface as an unhandled rejection.
  capChecked.catch(() => {});
  const send = async (envelopes: Envelope[]) => {
    await capChecked;
    if (dryRun || envelopes.length === 0) return;
    await (options.queue as Queue).send(envelopes.map(envelopeMessage));
    counts.queued += envelopes.length;
    // A sync envelope's rule is the kind it came from.
    for (const e of envelopes) phaseOf(e.rule as EntityKind).queued += 1;
  };

  try {
    const vanished = new Map<EntityKind, number>();
    const totals = new Map<EntityKind, number>();
    const run: KindRun = {
      file,
      db,
      state,
      runId,
      dryRun,
      startedAt,
      counts,
      record,
      send,
      progress: (kind, read) => {
        const total = totals.get(kind);
        options.onProgress?.({
          kind,
          read,
          ...(total !== undefined ? { total } : {}),
          ...phaseOf(kind),
          counts,
        });
      },
    };
    // Users' memberships travel in the users' own upserts: the two kinds are read side by side.
    const fold = file.fold_memberships && file.memberships !== undefined;
    for (const kind of ENTITY_KINDS) {
      if (!file[kind] || (fold && kind === 'users')) continue;
      if (options.countFirst) totals.set(kind, await countRows(db, file, kind));
      if (fold && kind === 'memberships') {
        if (file.users && options.countFirst) totals.set('users', await countRows(db, file, 'users'));
        const side = await db.fork();
        try {
          const gone = await syncUsersAndMemberships(run, side);
          vanished.set('users', gone.users);
          vanished.set('memberships', gone.memberships);
        } finally {
          await side.close();
        }
      } else vanished.set(kind, (await syncKind(run, kind)).vanished);
    }
    // A run with nothing to send (a dry run, or no change) is refused all the same.
    await capChecked;

    if (file.mode === 'mirror') {
      removing = true;
      for (const kind of ['memberships', 'users', 'groups'] as const) {
        if (!file[kind] || (kind !== 'memberships' && !file.delete)) continue;
        await removeVanished(kind, vanished.get(kind) ?? 0);
      }
    }
    await state.finishRun(runId, { status: 'succeeded', counts });
    return { runId, counts, byKind, samples };
  } catch (thrown) {
    // The cap's refusal comes first, as when it was checked before the merge: a merge that failed meanwhile
    // would have queued nothing either.
    const error =
      (await capChecked.then(
        () => undefined,
        (refusal: unknown) => refusal,
      )) ?? thrown;
    await state
      .finishRun(runId, { status: 'failed', error: (error as Error).message, counts })
      .catch(() => {});
    throw error;
  }

  /** Entities gone from the query, marked during the merge: removed unless that would pass the deletion cap. */
  async function removeVanished(kind: EntityKind, vanished: number): Promise<void> {
    if (vanished === 0) return;
    const entities = state.entities(file.name, kind);
    const known = await entities.count();
    // Checked again: rows may have vanished since the check before the run.
    if (overCap(vanished, known, file.max_delete))
      throw new DeletionCapError(kind, vanished, known, file.max_delete);
    for await (const batch of entities.gone(runId, file.batch_size)) {
      const envelopes: Envelope[] = [];
      for (const { key, state: stored } of batch) {
        const input: ChangeInput = { kind, key, change: 'removed', attributes: {}, hash: stored.hash };
        record(input);
        const command = commandFor(input, file.mode, file.delete);
        if (command) envelopes.push(envelopeFor(file.name, input, command, startedAt));
      }
      await send(envelopes);
      if (!dryRun) await entities.forget(batch.map((b) => b.key));
      const phase = phaseOf('memberships');
      options.onProgress?.({ kind: 'removals', read: phase.changed, ...phase, counts });
      // A dry run forgets nothing, so the next page would repeat this one: one page is a fair sample.
      if (dryRun) break;
    }
  }
}
