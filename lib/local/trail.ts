// Local mode's event trail: `<local-dir>/trail.db`, opened once per process and shared by ingest and delivery.
import type { Env } from '../config/read-env.ts';
import { readTrailConfig, type TrailConfig } from '../config/trail.ts';
import { openTrail } from '../trail/open.ts';
import type { TrailStore } from '../trail/store.ts';
import { localLayout } from './layout.ts';

export interface LocalTrail {
  /** Absent when the file could not be opened: the bridge runs on without a trail. */
  store: TrailStore | undefined;
  config: TrailConfig;
  close(): void;
}

/**
 * Bad TRAIL_* variables stop the start (they are the user's to fix, and name the variable); a trail file that
 * cannot be opened does not: the queue is the source of truth, so the problem is printed and the bridge goes on,
 * accepting and queueing webhooks without recording them. Expired records are dropped here: SQLite has no TTL.
 */
export async function openLocalTrail(
  dir: string,
  env: Env,
  printProblem: (line: string) => void,
): Promise<LocalTrail> {
  const config = readTrailConfig(env);
  const path = localLayout(dir).trailDb;
  let store: TrailStore | undefined;
  try {
    store = await openTrail(path);
  } catch (error) {
    printProblem(`the event trail ${path} cannot be opened; webhooks are not recorded: ${message(error)}`);
  }
  try {
    await store?.purgeExpired(new Date());
  } catch (error) {
    printProblem(`the event trail ${path}: expired records not purged: ${message(error)}`);
  }
  return { store, config, close: () => store?.close() };
}

/** The error with its cause: SQLite's own words say why the file cannot be opened. */
function message(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return `${(error as Error)?.message ?? String(error)}${detail}`;
}
