// Synth-time gate for sync files: any in the sync directory adds the sync path, and each must pass the checker.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors.ts';
import { loadSyncFile } from '../lib/sync/sync-file.ts';

/**
 * The absolute paths of the sync files in `dir` (none when it does not exist), each validated by the same
 * checker `userflow-bridge sync run` uses; every invalid file is reported in one ConfigError.
 */
export async function checkedSyncFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = names
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => join(dir, name));
  const results = await Promise.allSettled(files.map((file) => loadSyncFile(file)));
  const problems = results.flatMap((r) => {
    if (r.status === 'fulfilled') return [];
    if (r.reason instanceof ConfigError && r.reason.problems.length > 0) return r.reason.problems;
    return [r.reason instanceof Error ? r.reason.message : String(r.reason)];
  });
  if (problems.length > 0) throw new ConfigError('invalid sync files', problems);
  return files;
}
