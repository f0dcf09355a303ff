// A sync is keyed by its name (the file name by default): a copied file under another name starts from nothing.
// This finds the sync it was probably copied from, so `sync run` can say so before re-creating everything.
import { ENTITY_KINDS } from './entity.ts';
import type { RunRecord, SyncStateStore } from './state-store.ts';
import type { SyncFile } from './sync-file.ts';

/** How many recent runs are read to find the syncs that have history. */
const RECENT_RUNS = 500;

export interface CopiedFrom {
  sync: string;
  file: string;
  runs: number;
}

/** Same connection and the same queries, give or take whitespace and a trailing semicolon. */
export function sameQueries(a: SyncFile, b: SyncFile): boolean {
  const norm = (sql?: string) => sql?.trim().replace(/;\s*$/, '').replace(/\s+/g, ' ');
  return a.connection === b.connection && ENTITY_KINDS.every((k) => norm(a[k]?.query) === norm(b[k]?.query));
}

/** A run that left state behind: a later run of the same sync diffs against it. */
const history = (r: RunRecord) => r.status === 'succeeded' && !r.dryRun;

/**
 * When `file`'s sync has no history, the other sync with history whose file (as its runs recorded it) has the same
 * queries. `load` reads a sync file and may throw: a file that moved or no longer parses is passed over.
 */
export async function copiedFrom(
  file: SyncFile,
  state: SyncStateStore,
  load: (path: string) => Promise<SyncFile>,
): Promise<CopiedFrom | undefined> {
  const own = await state.runs({ sync: file.name, limit: RECENT_RUNS });
  if (own.some(history)) return undefined;
  const others = new Map<string, { file: string; runs: number }>();
  for (const run of await state.runs({ limit: RECENT_RUNS })) {
    if (run.sync === file.name || !history(run)) continue;
    const seen = others.get(run.sync);
    others.set(run.sync, { file: seen?.file ?? run.file, runs: (seen?.runs ?? 0) + 1 });
  }
  for (const [sync, other] of others) {
    const candidate = await load(other.file).catch(() => undefined);
    if (candidate && sameQueries(file, candidate)) return { sync, ...other };
  }
  return undefined;
}

export function copiedWarning(file: SyncFile, from: CopiedFrom): string {
  return (
    `warning: sync ${file.name} (${file.path}) has no runs yet, but sync ${from.sync} (${from.file}) has the same ` +
    `queries and ${from.runs} run${from.runs === 1 ? '' : 's'}: this run starts from nothing and sends every row ` +
    `again. A sync is named after its file; add \`name: ${from.sync}\` to continue that one.\n`
  );
}
