// The ingest Lambda's `loadRules` (package.json "imports" `#rules/load` under the `lambda-bundle` condition): the
// rule files as their YAML read at synth, after the same check (cdk/rule-files.ts), so a cold start neither
// bundles nor runs the YAML parser. Validation and compilation are loadRules' own (rule-data.ts).
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { readPreReadFiles } from '../pre-read-files.ts';
import type { loadRules as loadRuleFiles } from './load.ts';
import { ruleSetOf } from './rule-data.ts';

export const loadRules: typeof loadRuleFiles = async (dir) => {
  const files = await readPreReadFiles(dir, 'rule files');
  if (files.length === 0) throw new ConfigError(`no rule files (*.yaml, *.yml) in ${dir}`);
  return ruleSetOf(files, (file) => ({ path: join(dir, file.name), data: file.data }));
};
