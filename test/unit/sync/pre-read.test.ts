// The sync Lambda's files come pre-read at synth (cdk/sync-files.ts → lib/sync/load-pre-read.ts): they must load
// as the same sync files, with the same problems, as the YAML files they were read from.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { preReadSyncFiles } from '../../../cdk/sync-files.ts';
import { PRE_READ_FILE } from '../../../lib/pre-read-files.ts';
import { loadSyncFiles } from '../../../lib/sync/index.ts';
import { loadSyncFiles as loadPreRead } from '../../../lib/sync/load-pre-read.ts';

const ROOT = join(import.meta.dirname, '../../..');
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory with the given sync files and their pre-read form, as the sync bundle carries them. */
function bundledSyncs(write: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'sync-pre-read-'));
  scratch.push(dir);
  write(dir);
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((name) => ({ name, path: join(dir, name) }));
  writeFileSync(join(dir, PRE_READ_FILE), preReadSyncFiles(files));
  return dir;
}

const problemsOf = (load: Promise<unknown>) =>
  load.then(
    () => [],
    (error: { problems: string[] }) => error.problems,
  );

describe('pre-read sync files', () => {
  it('load as the same sync files as the shipped YAML and the test fixtures', async () => {
    const dir = bundledSyncs((to) => {
      copyFileSync(join(ROOT, 'syncs/example.yaml'), join(to, 'example.yaml'));
      const fixtures = join(ROOT, 'test/cdk/fixtures/syncs-valid');
      for (const f of readdirSync(fixtures).filter((n) => /\.ya?ml$/.test(n)))
        copyFileSync(join(fixtures, f), join(to, f));
    });
    const fromYaml = await loadSyncFiles(dir);
    expect(fromYaml.size).toBeGreaterThan(1);
    expect(await loadPreRead(dir)).toEqual(fromYaml);
  });

  it('report the same problems as the YAML', async () => {
    const dir = bundledSyncs((to) => {
      writeFileSync(join(to, 'bad.yaml'), 'name: bad\nusers: { query: 1 }\nsurplus: true\n');
      writeFileSync(join(to, 'worse.yaml'), 'users: []\n');
    });
    const fromYaml = await problemsOf(loadSyncFiles(dir));
    expect(fromYaml.length).toBeGreaterThan(1);
    expect(await problemsOf(loadPreRead(dir))).toEqual(fromYaml);
  });

  it('refuse at synth a value JSON would change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-pre-read-'));
    scratch.push(dir);
    writeFileSync(join(dir, 'nan.yaml'), 'name: x\nweight: .nan\n');
    expect(() => preReadSyncFiles([{ name: 'x', path: join(dir, 'nan.yaml') }])).toThrow(/JSON cannot carry/);
  });
});
