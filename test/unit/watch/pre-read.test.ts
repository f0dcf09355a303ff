// The watch Lambda's files come pre-read at synth (cdk/watch-files.ts → lib/watch/load-pre-read.ts): they must
// load as the same watches, with the same problems, as the YAML files they were read from.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { preReadWatchFiles } from '../../../cdk/watch-files.ts';
import { PRE_READ_FILE } from '../../../lib/pre-read-files.ts';
import { loadWatchFiles, type Watch } from '../../../lib/watch/index.ts';
import { loadWatchFiles as loadPreRead } from '../../../lib/watch/load-pre-read.ts';

const ROOT = join(import.meta.dirname, '../../..');
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function bundledWatches(write: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'watch-pre-read-'));
  scratch.push(dir);
  write(dir);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, path: join(dir, name), schedule: '' }));
  writeFileSync(join(dir, PRE_READ_FILE), preReadWatchFiles(files));
  return dir;
}

/** What a watch is, without its compiled functions; the user matcher is asked about two users. */
const summary = (watches: ReadonlyMap<string, Watch>) =>
  [...watches.values()].map(({ users, message, ...plain }) => ({
    ...plain,
    trial: users?.({ plan: 'trial', signed_up_at: '2026-01-01' }),
    paid: users?.({ plan: 'paid' }),
    message: typeof message,
  }));

describe('pre-read watch files', () => {
  it('load as the same watches as the shipped YAML', async () => {
    const dir = bundledWatches((to) => {
      copyFileSync(join(ROOT, 'watches/example.yaml'), join(to, 'example.yaml'));
      writeFileSync(
        join(to, 'trials.yaml'),
        'name: trials\ncontent: c1\nstalled_after: 3d\nrepeat: never\nalert: { slack: S }\nusers: { plan: [trial] }\n',
      );
    });
    const fromYaml = await loadWatchFiles(dir);
    expect(fromYaml.size).toBe(2);
    expect(summary(await loadPreRead(dir))).toEqual(summary(fromYaml));
  });

  it('report the same problem as the YAML', async () => {
    const dir = bundledWatches((to) =>
      writeFileSync(join(to, 'bad.yaml'), 'name: bad\nstalled_after: soon\n'),
    );
    const problem = (load: Promise<unknown>) =>
      load.then(
        () => '',
        (e: Error) => e.message,
      );
    const fromYaml = await problem(loadWatchFiles(dir));
    expect(fromYaml).toMatch(/bad\.yaml/);
    expect(await problem(loadPreRead(dir))).toBe(fromYaml);
  });
});
