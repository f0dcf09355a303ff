// The sync files of a directory by sync name, with every file's problems at once: what both loaders return, the
// one reading YAML (sync-files.ts) and the sync Lambda's, reading them pre-read (load-pre-read.ts).
import { ConfigError } from '../errors.ts';
import type { SyncFile } from './sync-file.ts';

/** Each file as loaded, or why not. */
export type LoadedSyncFile = { ok: true; file: SyncFile } | { ok: false; error: unknown };

/**
 * By sync name (the file's `name`, else its base name): the name a schedule's `{ "sync": "<name>" }` event gives.
 * Throws one ConfigError listing the problems of every file that failed, or naming two files with one name.
 */
export function syncFileSet(dir: string, loaded: readonly LoadedSyncFile[]): ReadonlyMap<string, SyncFile> {
  const problems = loaded.flatMap((l) => (l.ok ? [] : problemsOf(l.error)));
  if (problems.length) throw new ConfigError(`invalid sync files in ${dir}`, problems);
  const files = new Map<string, SyncFile>();
  for (const { file } of loaded as Extract<LoadedSyncFile, { ok: true }>[]) {
    const other = files.get(file.name);
    if (other) throw new ConfigError(`two sync files are named ${file.name}: ${other.path} and ${file.path}`);
    files.set(file.name, file);
  }
  return files;
}

const problemsOf = (error: unknown): readonly string[] =>
  error instanceof ConfigError && error.problems.length ? error.problems : [(error as Error).message];
