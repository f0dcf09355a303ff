// The sync Lambda's `loadSyncFiles` (package.json "imports" `#sync/load` under the `lambda-bundle` condition): the
// sync files as their YAML read at synth, after the same check (cdk/sync-files.ts), so a cold start neither
// bundles nor runs the YAML parser. Validation is the sync file's own (sync-file.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { syncFileFromData } from './sync-file.ts';
import { type LoadedSyncFile, syncFileSet } from './sync-file-set.ts';
import type { loadSyncFiles as loadSyncFileTexts } from './sync-files.ts';

/** Inside the sync files directory, beside the YAML files it was read from. */
export const PRE_READ_FILE = '.pre-read.json';

/** `{ files: [{ name: 'app.yaml', data }] }`: what each file's YAML reads as, in file-name order. */
export interface PreReadSyncFiles {
  files: { name: string; data: unknown }[];
}

export const loadSyncFiles: typeof loadSyncFileTexts = async (dir) => {
  const path = join(dir, PRE_READ_FILE);
  let preRead: PreReadSyncFiles;
  try {
    preRead = JSON.parse(await readFile(path, 'utf8')) as PreReadSyncFiles;
  } catch (error) {
    throw new ConfigError(`cannot read the pre-read sync files ${path}`, [], error);
  }
  return syncFileSet(
    dir,
    preRead.files.map(({ name, data }) => loaded(join(dir, name), data)),
  );
};

function loaded(path: string, data: unknown): LoadedSyncFile {
  try {
    return { ok: true, file: syncFileFromData(path, data) };
  } catch (error) {
    return { ok: false, error };
  }
}
