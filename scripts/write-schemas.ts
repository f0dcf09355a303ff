// `npm run schema`: writes the JSON Schemas that editors use for the YAML config files. A drift test compares
// every entry of SCHEMA_FILES with the file on disk, so add new config schemas here (one line each).
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ruleFileJsonSchema } from '../lib/rules/index.ts';
import { syncFileJsonSchema } from '../lib/sync/sync-file.ts';
import { watchFileJsonSchema } from '../lib/watch/file-schema.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Path (from the repository root) → the JSON Schema to write there. */
export const SCHEMA_FILES: readonly { path: string; schema: () => Record<string, unknown> }[] = [
  { path: 'rules/schema.json', schema: ruleFileJsonSchema },
  { path: 'syncs/schema.json', schema: syncFileJsonSchema },
  { path: 'watches/schema.json', schema: watchFileJsonSchema },
];

/** The exact bytes written for a schema, so the drift test and the script agree. */
export function renderSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** The schema files whose content on disk differs from what the code generates now. */
export async function staleSchemaFiles(root = ROOT): Promise<string[]> {
  const stale: string[] = [];
  for (const { path, schema } of SCHEMA_FILES) {
    const onDisk = await readFile(join(root, path), 'utf8').catch(() => undefined);
    if (onDisk !== renderSchema(schema())) stale.push(path);
  }
  return stale;
}

async function main(): Promise<void> {
  for (const { path, schema } of SCHEMA_FILES) {
    await writeFile(join(ROOT, path), renderSchema(schema()));
    process.stdout.write(`wrote ${path}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
