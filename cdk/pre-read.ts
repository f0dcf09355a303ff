// The JSON a Lambda's pre-read files travel in (lib/pre-read-files.ts): what each checked YAML file reads as.
import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { PRE_READ_FILE, type PreReadFiles } from '../lib/pre-read-files.ts';
import type { BundledFile } from './bridge-function.ts';

/**
 * A value JSON cannot carry unchanged (`.nan`, `.inf`) fails the synth instead of reaching the Lambda altered.
 */
export function preReadText(read: readonly { path: string; data: unknown }[]): string {
  const preRead: PreReadFiles = { files: read.map(({ path, data }) => ({ name: basename(path), data })) };
  const text = JSON.stringify(preRead);
  const carried = (JSON.parse(text) as PreReadFiles).files;
  read.forEach(({ path, data }, i) => {
    if (!isDeepStrictEqual(carried[i]?.data, data))
      throw new Error(`${path}: holds a value JSON cannot carry unchanged (NaN, Infinity or -0?)`);
  });
  return text;
}

/** What a function's bundle carries under `folder/`: the checked files and, beside them, `text`, their pre-read. */
export function preReadBundle(folder: string, paths: readonly string[], text: string): BundledFile[] {
  return [
    ...paths.map((from) => ({ from, to: `${folder}/${basename(from)}` })),
    { text, to: `${folder}/${PRE_READ_FILE}` },
  ];
}
