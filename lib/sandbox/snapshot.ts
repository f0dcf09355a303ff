// The optional snapshot file: loaded at start, rewritten (debounced, atomically) after changes and at close.

import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { exportSeed } from './seed/export.ts';
import type { SandboxStore } from './store.ts';

export async function readJsonFile(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

export function snapshotExists(path: string): boolean {
  return existsSync(path);
}

export interface SnapshotWriter {
  /** Writes now if anything changed since the last write; waits for any write in progress. */
  flush(): Promise<void>;
  /** Stops listening and writes a final time. */
  close(): Promise<void>;
}

export function watchSnapshot(store: SandboxStore, path: string, debounceMs: number): SnapshotWriter {
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const write = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    writing = writing.then(async () => {
      if (!dirty) return;
      dirty = false;
      const temp = `${path}.${process.pid}.tmp`;
      // Owner only: the snapshot holds the sandbox's users, emails included.
      await writeFile(temp, JSON.stringify(exportSeed(store)), { mode: 0o600 });
      await rename(temp, path);
    });
    return writing;
  };

  const unsubscribe = store.onChange(() => {
    dirty = true;
    if (!timer) {
      timer = setTimeout(() => void write().catch(() => (dirty = true)), debounceMs);
      timer.unref();
    }
  });

  return {
    flush: write,
    close: async () => {
      unsubscribe();
      await write();
    },
  };
}
