// Reads a source's sample payloads for `rules check`: the `samples:` folder its rule file names, or samples/<source>.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { CompiledSource } from '../types.ts';

export interface SampleSet {
  /** The folder read, as shown to the user. */
  dir: string;
  files: readonly string[];
  /** One payload per event (batch bodies split the way ingest splits them). */
  payloads: readonly unknown[];
  /** Sample files that could not be read as bodies of this source, and a named folder that is missing. */
  problems: readonly string[];
}

export async function readSamples(source: CompiledSource, cwd: string): Promise<SampleSet> {
  const named = source.samples;
  const dir =
    named === undefined
      ? join('samples', source.name)
      : isAbsolute(named)
        ? named
        : join(dirname(source.file), named);
  let names: string[];
  try {
    names = (await readdir(resolve(cwd, dir))).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // The default folder is optional; a folder the rule file names must exist.
    const problems = named === undefined ? [] : [`${source.file}: samples: cannot read ${dir} (${code})`];
    return { dir, files: [], payloads: [], problems };
  }
  const payloads: unknown[] = [];
  const problems: string[] = [];
  const headers = sampleHeaders(source);
  for (const name of names) {
    const file = join(dir, name);
    try {
      const body: unknown = JSON.parse(await readFile(resolve(cwd, file), 'utf8'));
      for (const event of source.splitEvents(body, headers)) payloads.push(event.payload);
    } catch (error) {
      problems.push(`${file}: not a sample body for ${source.name} (${(error as Error).message})`);
    }
  }
  return { dir, files: names.map((name) => join(dir, name)), payloads, problems };
}

/** A source that reads its event id from a header gets a stand-in, as `rules test` gives one. */
function sampleHeaders(source: CompiledSource): Record<string, string> {
  const id = source.event.id;
  return typeof id === 'object' && 'header' in id ? { [id.header.toLowerCase()]: 'sample' } : {};
}
