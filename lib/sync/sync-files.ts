// Every sync file of a directory, loaded and validated at once: the sync Lambda's cold start and the CDK stack's
// synth both read the bundled `syncs/` this way.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { loadSyncFile, type SyncFile } from './sync-file.ts';

/**
 * Every `*.yaml`/`*.yml` in `dir`, by sync name (the file's `name`, else its base name): the name a schedule's
 * `{ "sync": "<name>" }` event gives. All are parsed at cold start, so a broken file fails the deploy's first
 * invocation loudly instead of one schedule at a time.
 */
export async function loadSyncFiles(dir: string): Promise<ReadonlyMap<string, SyncFile>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (error) {
    throw new ConfigError(`cannot read the sync files directory ${dir}`, [(error as Error).message], error);
  }
  const loaded = await Promise.allSettled(names.map((n) => loadSyncFile(join(dir, n))));
  const problems = loaded.flatMap((r) => (r.status === 'fulfilled' ? [] : problemsOf(r.reason)));
  if (problems.length) throw new ConfigError(`invalid sync files in ${dir}`, problems);
  const files = new Map<string, SyncFile>();
  for (const file of loaded.map((r) => (r as PromiseFulfilledResult<SyncFile>).value)) {
    const other = files.get(file.name);
    if (other) throw new ConfigError(`two sync files are named ${file.name}: ${other.path} and ${file.path}`);
    files.set(file.name, file);
  }
  return files;
}

const problemsOf = (error: unknown): readonly string[] =>
  error instanceof ConfigError && error.problems.length ? error.problems : [(error as Error).message];
