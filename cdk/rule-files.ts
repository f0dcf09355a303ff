// Synth-time gate for rule files: the rules checker must accept them before they are bundled with ingest.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadRules } from '../lib/rules/index.ts';
import { PRE_READ_FILE, type PreReadRuleFiles } from '../lib/rules/load-pre-read.ts';
import { ruleFileData } from '../lib/rules/parse.ts';
import type { BundledFile } from './bridge-function.ts';

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

/**
 * The checked files as their YAML reads (lib/rules/load-pre-read.ts PRE_READ_FILE), so the ingest Lambda does not
 * parse YAML at cold start. A value JSON cannot carry unchanged (`.nan`, `.inf`) fails the synth instead of
 * reaching the Lambda altered.
 */
export function preReadRuleFiles(paths: readonly string[]): string {
  const read = ruleFileData(paths.map((path) => ({ path, text: readFileSync(path, 'utf8') })));
  const preRead: PreReadRuleFiles = { files: read.map(({ path, data }) => ({ name: basename(path), data })) };
  const text = JSON.stringify(preRead);
  const carried = (JSON.parse(text) as PreReadRuleFiles).files;
  read.forEach(({ path, data }, i) => {
    if (!isDeepStrictEqual(carried[i]?.data, data))
      throw new Error(`${path}: holds a value JSON cannot carry unchanged (NaN, Infinity or -0?)`);
  });
  return text;
}

/** What ingest's bundle carries under `rules/`: the checked files and, beside them, the same files pre-read. */
export function ingestRuleBundle(paths: readonly string[]): BundledFile[] {
  return [
    ...paths.map((from) => ({ from, to: `rules/${basename(from)}` })),
    { text: preReadRuleFiles(paths), to: `rules/${PRE_READ_FILE}` },
  ];
}
