// The watch Lambda's `loadWatchFiles` (package.json "imports" `#watch/load` under the `lambda-bundle` condition):
// the watch files as their YAML read at synth, after the same check (cdk/watch-files.ts), so a cold start neither
// bundles nor runs the YAML parser. Checking and compiling are the watch's own (watch.ts).
import { join } from 'node:path';
import { readPreReadFiles } from '../pre-read-files.ts';
import type { loadWatchFiles as loadWatchFileTexts } from './load.ts';
import { watchesByName, watchFromData } from './watch.ts';

export const loadWatchFiles: typeof loadWatchFileTexts = async (dir) => {
  const files = await readPreReadFiles(dir, 'watch files');
  return watchesByName(files.map(({ name, data }) => watchFromData(data, join(dir, name))));
};
