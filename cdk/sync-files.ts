// Synth-time gate for sync files: each in the deployed sync directory must pass the checker the sync Lambda uses.
import { readFileSync } from 'node:fs';
import { loadSyncFiles } from '../lib/sync/index.ts';
import { syncFileData } from '../lib/sync/read-sync-file.ts';
import type { BundledFile } from './bridge-function.ts';
import { preReadBundle, preReadText } from './pre-read.ts';

export interface DeployedSync {
  /** The sync's name: what its schedule sends as `{ "sync": name }`. */
  readonly name: string;
  /** Absolute path of the file; bundled with the sync function under `syncs/`. */
  readonly path: string;
}

/**
 * The sync files in `dir`, validated (every problem, and duplicate names, in one ConfigError) by the same loader
 * the sync function runs at cold start.
 */
export async function checkedSyncFiles(dir: string): Promise<DeployedSync[]> {
  const files = await loadSyncFiles(dir);
  return [...files.values()].map((file) => ({ name: file.name, path: file.path }));
}

/** The checked files as their YAML reads (lib/pre-read-files.ts): no YAML parser in the sync cold start. */
export function preReadSyncFiles(files: readonly DeployedSync[]): string {
  return preReadText(
    files.map(({ path }) => ({ path, data: syncFileData(path, readFileSync(path, 'utf8')) })),
  );
}

/** What the sync function's bundle carries under `syncs/`: the checked files and, beside them, the same pre-read. */
export function syncFileBundle(files: readonly DeployedSync[]): BundledFile[] {
  return preReadBundle(
    'syncs',
    files.map((f) => f.path),
    preReadSyncFiles(files),
  );
}
