// Reads every `*.yaml` / `*.yml` rule file in a directory and compiles them into a RuleSet.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { parseRuleFiles } from './parse.ts';
import type { RuleSet } from './types.ts';

export async function loadRules(dir: string): Promise<RuleSet> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new ConfigError(`cannot read the rules directory ${dir}`, [], error);
  }
  const ruleFiles = names.filter((name) => /\.ya?ml$/i.test(name)).sort();
  if (ruleFiles.length === 0) throw new ConfigError(`no rule files (*.yaml, *.yml) in ${dir}`);
  const files = await Promise.all(
    ruleFiles.map(async (name) => ({ path: join(dir, name), text: await readFile(join(dir, name), 'utf8') })),
  );
  return parseRuleFiles(files);
}
