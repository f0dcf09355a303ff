// Synth-time gate for watch files: each must pass the loader the watch Lambda runs at cold start.
import { loadWatchFiles } from '../lib/watch/scheduled-run.ts';
import type { DeployedWatch } from './watch-path.ts';

export async function checkedWatchFiles(dir: string): Promise<DeployedWatch[]> {
  const watches = await loadWatchFiles(dir);
  return [...watches.values()].map((w) => ({ name: w.name, path: w.source, schedule: w.schedule }));
}
