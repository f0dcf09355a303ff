// Reads watch files: YAML → what it reads as → a checked, compiled watch (watch.ts).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.ts';
import { type Watch, watchesByName, watchFromData } from './watch.ts';

/** What one watch file's YAML reads as (the synth ships this to the watch Lambda, pre-read). */
export function watchFileData(text: string, source: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Parses one watch file's text. Throws one `ConfigError` whose first line names the file and the first problem. */
export function parseWatch(text: string, source: string): Watch {
  return watchFromData(watchFileData(text, source), source);
}

export async function loadWatchFile(path: string): Promise<Watch> {
  return parseWatch(await readFile(path, 'utf8'), path);
}

/** Every `*.yaml` in `dir`, by watch name; duplicate names are a ConfigError (they would share state). */
export async function loadWatchFiles(dir: string): Promise<Map<string, Watch>> {
  const watches: Watch[] = [];
  for (const name of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    watches.push(await loadWatchFile(join(dir, name)));
  }
  return watchesByName(watches);
}
