// Synth-time gate for rule files: the rules checker must accept them before they are bundled with ingest.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRules } from '../lib/rules/index.ts';

/**
 * Validates every rule file in `dir` with the same checker as `userflow-bridge rules check` (its ConfigError,
 * naming file, rule and field, fails the synth) and returns the absolute paths of the files to bundle.
 */
export async function checkedRuleFiles(dir: string): Promise<string[]> {
  await loadRules(dir);
  const names = await readdir(dir);
  return names
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => join(dir, name));
}
