// Synth-time gate for sync files: each in the deployed sync directory must pass the checker the sync Lambda uses.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadSyncFiles } from '../lib/sync/index.ts';
import { PRE_READ_FILE, type PreReadSyncFiles } from '../lib/sync/load-pre-read.ts';
import { syncFileData } from '../lib/sync/read-sync-file.ts';
import type { BundledFile } from './bridge-function.ts';

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

/**
 * The checked files as their YAML reads (lib/sync/load-pre-read.ts PRE_READ_FILE), so the sync Lambda does not
 * parse YAML at cold start. A value JSON cannot carry unchanged (`.nan`, `.inf`) fails the synth instead of
 * reaching the Lambda altered.
 */
export function preReadSyncFiles(files: readonly DeployedSync[]): string {
  const read = files.map(({ path }) => ({ path, data: syncFileData(path, readFileSync(path, 'utf8')) }));
  const preRead: PreReadSyncFiles = { files: read.map(({ path, data }) => ({ name: basename(path), data })) };
  const text = JSON.stringify(preRead);
  const carried = (JSON.parse(text) as PreReadSyncFiles).files;
  read.forEach(({ path, data }, i) => {
    if (!isDeepStrictEqual(carried[i]?.data, data))
      throw new Error(`${path}: holds a value JSON cannot carry unchanged (NaN, Infinity or -0?)`);
  });
  return text;
}

/** What the sync function's bundle carries under `syncs/`: the checked files and, beside them, the same pre-read. */
export function syncFileBundle(files: readonly DeployedSync[]): BundledFile[] {
  return [
    ...files.map((f) => ({ from: f.path, to: `syncs/${basename(f.path)}` })),
    { text: preReadSyncFiles(files), to: `syncs/${PRE_READ_FILE}` },
  ];
}
