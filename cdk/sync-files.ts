// Synth-time gate for sync files: each in the deployed sync directory must pass the checker the sync Lambda uses.
import { loadSyncFiles } from '../lib/sync/index.ts';

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
