// `npm start`'s watches: every `watches/*.yaml` on its schedule against the same Userflow target as delivery.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../config/read-env.ts';
import { envSecretSource, SecretMissingError } from '../secrets/index.ts';
import type { UserflowClient } from '../userflow/index.ts';
import { createUndiciTransport } from '../userflow/undici-transport.ts';
import {
  alertTarget,
  jsonFileAlertState,
  loadWatchFile,
  runWatch,
  type StalledAlert,
  scheduleWatches,
  type Watch,
  type WatchSchedule,
} from '../watch/index.ts';

export interface LocalWatchesOptions {
  /** The watches are `<cwd>/watches/*.yaml`. */
  cwd: string;
  localDir: string;
  client: UserflowClient;
  env: Env;
  print: (line: string) => void;
  printProblem: (line: string) => void;
}

/** Undefined when there is no watches folder. A bad file is reported and skipped: the bridge still starts. */
export async function startLocalWatches(options: LocalWatchesOptions): Promise<WatchSchedule | undefined> {
  const dir = join(options.cwd, 'watches');
  if (!existsSync(dir)) return undefined;
  const watches: Watch[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    try {
      watches.push(await loadWatchFile(join(dir, name)));
    } catch (error) {
      options.printProblem(`watch ${name} skipped: ${(error as Error).message}`);
    }
  }
  const state = jsonFileAlertState(join(options.localDir, 'watch-state.json'));
  const transport = createUndiciTransport();
  const run = async (watch: Watch) => {
    let deliver: ((alert: StalledAlert) => Promise<void>) | undefined;
    try {
      deliver = await alertTarget(watch, {
        secrets: envSecretSource(options.env),
        transport,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => new Date(),
      });
    } catch (error) {
      if (!(error instanceof SecretMissingError)) throw error;
      // No alert secret yet (the sandbox case): show who would be alerted instead of failing.
      options.print(`watch ${watch.name}: dry run, ${error.secretName} is not set`);
    }
    try {
      const result = await runWatch({
        watch,
        userflow: options.client,
        state,
        ...(deliver ? { deliver } : {}),
        now: new Date(),
      });
      for (const a of result.alerts) {
        options.print(
          `watch ${watch.name}: ${a.status} ${a.alert.name ?? a.user_id} · ${a.alert.done}/${a.alert.total} · ${a.alert.next_task ?? ''}${a.error ? ` · ${a.error}` : ''}`,
        );
      }
    } catch (error) {
      options.printProblem(`watch ${watch.name}: ${(error as Error).message}`);
    }
  };
  return scheduleWatches(watches, run);
}
