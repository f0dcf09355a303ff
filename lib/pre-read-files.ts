// Files a Lambda gets pre-read at synth: what each YAML file of a directory reads as, in one JSON file beside them
// (cdk/pre-read.ts writes it), so a cold start neither bundles nor runs the YAML parser. Ingest's rule files and
// the sync and watch functions' files come this way.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from './errors.ts';

/** Inside the directory, beside the YAML files it was read from. */
export const PRE_READ_FILE = '.pre-read.json';

/** `{ files: [{ name: 'stripe.yaml', data }] }`: what each file's YAML reads as, in file-name order. */
export interface PreReadFiles {
  files: { name: string; data: unknown }[];
}

/** The pre-read files of `dir`; `what` names them in the error (`rule files`). */
export async function readPreReadFiles(dir: string, what: string): Promise<PreReadFiles['files']> {
  const path = join(dir, PRE_READ_FILE);
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as PreReadFiles).files;
  } catch (error) {
    throw new ConfigError(`cannot read the pre-read ${what} ${path}`, [], error);
  }
}
