// A sync file from its YAML: the CLI, the local runner and the synth's check read files this way.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.ts';
import { type SyncFile, syncFileFromData } from './sync-file.ts';

/** What the file's YAML reads as (the synth ships this to the sync Lambda, pre-read). */
export function syncFileData(path: string, text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML`, [(error as Error).message], error);
  }
}

/** Parses a sync file's text; every problem is listed, each naming the file and the field. */
export function parseSyncFile(path: string, text: string): SyncFile {
  return syncFileFromData(path, syncFileData(path, text));
}

export async function loadSyncFile(path: string): Promise<SyncFile> {
  return parseSyncFile(path, await readSyncFileText(path));
}

async function readSyncFileText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read sync file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      [],
      error,
    );
  }
}
