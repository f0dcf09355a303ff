// Every sync file of a directory, loaded and validated at once: the CDK stack's synth and the local runner read
// `syncs/` this way; the sync Lambda reads the same files pre-read at synth (load-pre-read.ts).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { loadSyncFile } from './read-sync-file.ts';
import type { SyncFile } from './sync-file.ts';
import { syncFileSet } from './sync-file-set.ts';

/**
 * Every `*.yaml`/`*.yml` in `dir`, by sync name. All are parsed at once, so a broken file fails loudly instead
 * of one schedule at a time.
 */
export async function loadSyncFiles(dir: string): Promise<ReadonlyMap<string, SyncFile>> {
  const names = await syncFileNames(dir);
  const loaded = await Promise.all(
    names.map((n) =>
      loadSyncFile(join(dir, n)).then(
        (file) => ({ ok: true as const, file }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ),
  );
  return syncFileSet(dir, loaded);
}

/** The `*.yaml`/`*.yml` names in `dir`, sorted. */
async function syncFileNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (error) {
    throw new ConfigError(`cannot read the sync files directory ${dir}`, [(error as Error).message], error);
  }
}
