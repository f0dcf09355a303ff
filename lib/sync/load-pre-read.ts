// The sync Lambda's `loadSyncFiles` (package.json "imports" `#sync/load` under the `lambda-bundle` condition): the
// sync files as their YAML read at synth, after the same check (cdk/sync-files.ts), so a cold start neither
// bundles nor runs the YAML parser. Validation is the sync file's own (sync-file.ts).
import { join } from 'node:path';
import { readPreReadFiles } from '../pre-read-files.ts';
import { syncFileFromData } from './sync-file.ts';
import { type LoadedSyncFile, syncFileSet } from './sync-file-set.ts';
import type { loadSyncFiles as loadSyncFileTexts } from './sync-files.ts';

export const loadSyncFiles: typeof loadSyncFileTexts = async (dir) => {
  const files = await readPreReadFiles(dir, 'sync files');
  return syncFileSet(
    dir,
    files.map(({ name, data }) => loaded(join(dir, name), data)),
  );
};

function loaded(path: string, data: unknown): LoadedSyncFile {
  try {
    return { ok: true, file: syncFileFromData(path, data) };
  } catch (error) {
    return { ok: false, error };
  }
}
