// Synth-time gate for rule files: the rules checker must accept them before they are bundled with ingest.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRules } from '../lib/rules/index.ts';
import { ruleFileData } from '../lib/rules/parse.ts';
import type { BundledFile } from './bridge-function.ts';
import { preReadBundle, preReadText } from './pre-read.ts';

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

/** The checked files as their YAML reads (lib/pre-read-files.ts): no YAML parser in the ingest cold start. */
export function preReadRuleFiles(paths: readonly string[]): string {
  return preReadText(ruleFileData(paths.map((path) => ({ path, text: readFileSync(path, 'utf8') }))));
}

/** What ingest's bundle carries under `rules/`: the checked files and, beside them, the same files pre-read. */
export function ingestRuleBundle(paths: readonly string[]): BundledFile[] {
  return preReadBundle('rules', paths, preReadRuleFiles(paths));
}
