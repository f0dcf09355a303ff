// Synth-time gate for watch files: each must pass the loader the watch Lambda runs at cold start.
import { readFileSync } from 'node:fs';
import { loadWatchFiles, watchFileData } from '../lib/watch/load.ts';
import type { BundledFile } from './bridge-function.ts';
import { preReadBundle, preReadText } from './pre-read.ts';
import type { DeployedWatch } from './watch-path.ts';

export async function checkedWatchFiles(dir: string): Promise<DeployedWatch[]> {
  const watches = await loadWatchFiles(dir);
  return [...watches.values()].map((w) => ({ name: w.name, path: w.source, schedule: w.schedule }));
}

/** The checked files as their YAML reads (lib/pre-read-files.ts): no YAML parser in the watch cold start. */
export function preReadWatchFiles(files: readonly DeployedWatch[]): string {
  return preReadText(
    files.map(({ path }) => ({ path, data: watchFileData(readFileSync(path, 'utf8'), path) })),
  );
}

/** What the watch function's bundle carries under `watches/`: the checked files and, beside them, their pre-read. */
export function watchFileBundle(files: readonly DeployedWatch[]): BundledFile[] {
  return preReadBundle(
    'watches',
    files.map((f) => f.path),
    preReadWatchFiles(files),
  );
}
