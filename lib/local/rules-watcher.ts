// Hot reload of rule files: watch the directory, reload after a quiet moment, keep the last good rules on error.
import { type FSWatcher, watch } from 'node:fs';
import type { RuleSet } from '../rules/index.ts';

export interface RulesWatcherOptions {
  dir: string;
  initial: RuleSet;
  load: (dir: string) => Promise<RuleSet>;
  /** Runs before the swap; throwing rejects the new rules as `load` failing would (e.g. a secret is missing). */
  accept?: (rules: RuleSet) => void;
  onReload: (rules: RuleSet) => void;
  onInvalid: (error: unknown) => void;
  /** Editors write a file in several steps; wait this long after the last change (default 150 ms). */
  debounceMs?: number;
}

export interface RulesWatcher {
  /** The rules in force: a getter, so ingest sees a reload between two requests. */
  rules(): RuleSet;
  close(): void;
}

const RULE_FILE = /\.ya?ml$/i;

export function watchRules(options: RulesWatcherOptions): RulesWatcher {
  let current = options.initial;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let closed = false;

  async function reload(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        try {
          const next = await options.load(options.dir);
          options.accept?.(next);
          if (closed) return;
          current = next;
          options.onReload(next);
        } catch (error) {
          if (!closed) options.onInvalid(error);
        }
      } while (again && !closed);
    } finally {
      running = false;
    }
  }

  const schedule = (filename: string | null) => {
    if (closed || (filename !== null && !RULE_FILE.test(filename))) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), options.debounceMs ?? 150);
  };

  let watcher: FSWatcher | undefined = watch(options.dir, { persistent: false }, (_event, filename) =>
    schedule(filename === null ? null : String(filename)),
  );
  // A watcher error (the directory removed) ends watching; the last good rules stay in force.
  watcher.on('error', (error) => {
    options.onInvalid(error);
    watcher?.close();
    watcher = undefined;
  });

  return {
    rules: () => current,
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
      watcher = undefined;
    },
  };
}
