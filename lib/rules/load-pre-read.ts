// The ingest Lambda's `loadRules` (package.json "imports" `#rules/load` under the `lambda-bundle` condition): the
// rule files as their YAML read at synth, after the same check (cdk/rule-files.ts), so a cold start neither
// bundles nor runs the YAML parser. Validation and compilation are loadRules' own (rule-data.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { loadRules as loadRuleFiles } from './load.ts';
import { ruleSetOf } from './rule-data.ts';

/** Inside the rules directory, beside the YAML files it was read from. */
export const PRE_READ_FILE = '.pre-read.json';

/** `{ files: [{ name: 'stripe.yaml', data }] }`: what each file's YAML reads as, in file-name order. */
export interface PreReadRuleFiles {
  files: { name: string; data: unknown }[];
}

export const loadRules: typeof loadRuleFiles = async (dir) => {
  const path = join(dir, PRE_READ_FILE);
  let preRead: PreReadRuleFiles;
  try {
    preRead = JSON.parse(await readFile(path, 'utf8')) as PreReadRuleFiles;
  } catch (error) {
    throw new ConfigError(`cannot read the pre-read rule files ${path}`, [], error);
  }
  if (preRead.files.length === 0) throw new ConfigError(`no rule files (*.yaml, *.yml) in ${dir}`);
  return ruleSetOf(preRead.files, (file) => ({ path: join(dir, file.name), data: file.data }));
};
