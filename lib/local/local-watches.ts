// `npm start`'s watches: every `watches/*.yaml` on its schedule against the same Userflow target as delivery,
// noting in the trail a session completed after its alert; stopped (as a closer) before the sandbox closes.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../config/read-env.ts';
import { envSecretSource, SecretMissingError } from '../secrets/index.ts';
import type { TrailStore } from '../trail/store.ts';
import type { UserflowClient } from '../userflow/index.ts';
import { createUndiciTransport } from '../userflow/undici-transport.ts';
import {
  type AlertRecord,
  alertTarget,
  completedAfterAlertNote,
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
  /** Where a session completed after its alert is noted (as the watch Lambda does); none without a trail. */
  trail?: { store: TrailStore; retentionDays: number } | undefined;
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
  const trail = options.trail;
  // A trail problem must not hold up the watch: the completion is in the state file either way.
  const noteCompletion =
    trail &&
    (async (record: AlertRecord & { completed_at: string }) => {
      try {
        await trail.store.putAttempt(completedAfterAlertNote(record, new Date(), trail.retentionDays));
      } catch (error) {
        options.printProblem(`watch ${record.watch}: trail note not written: ${(error as Error).message}`);
      }
    });
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
        ...(noteCompletion ? { onCompletedAfterAlert: noteCompletion } : {}),
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
