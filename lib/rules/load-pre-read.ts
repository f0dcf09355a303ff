// The ingest Lambda's `loadRules` (package.json "imports" `#rules/load` under the `lambda-bundle` condition): the
// rule files as their YAML read at synth, after the same check (cdk/rule-files.ts), so a cold start neither
// bundles nor runs the YAML parser. Validation and compilation are loadRules' own (rule-data.ts), run for each
// source when it is first used (lazy-rule-set.ts): those very files passed the check at synth.
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { readPreReadFiles } from '../pre-read-files.ts';
import { isPlainObject } from './json.ts';
import { lazyRuleSet } from './lazy-rule-set.ts';
import type { loadRules as loadRuleFiles } from './load.ts';
import { ruleSetOf } from './rule-data.ts';
import type { CompiledSource } from './types.ts';

export const loadRules: typeof loadRuleFiles = async (dir) => {
  const files = await readPreReadFiles(dir, 'rule files');
  if (files.length === 0) throw new ConfigError(`no rule files (*.yaml, *.yml) in ${dir}`);
  const read = (file: (typeof files)[number]) => ({ path: join(dir, file.name), data: file.data });
  const names = files.map(({ data }) => (isPlainObject(data) ? data.source : undefined));
  // Files the synth could not have passed (a source without a name, or one name twice) are compiled at once, so
  // their problems are reported together, as the YAML loader reports them.
  if (!names.every((name) => typeof name === 'string') || new Set(names).size !== names.length)
    return ruleSetOf(files, read);
  return lazyRuleSet(
    files.map((file, i) => {
      const name = names[i] as string;
      return { name, compile: () => ruleSetOf([file], read).get(name) as CompiledSource };
    }),
  );
};
