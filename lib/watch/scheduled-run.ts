// The watch Lambda's logic: a scheduler event `{ "watch": "<name>" }` → one run of that bundled watch file.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { SecretSource } from '../secrets/index.ts';
import type { Transport } from '../userflow/transport.ts';
import { AlertDeliveryError } from './errors.ts';
import { loadWatchFile, type Watch } from './load.ts';
import { runWatch, type WatchRunResult, type WatchUserflow } from './run.ts';
import type { AlertState } from './state.ts';
import { alertTarget } from './target.ts';

export interface WatchHandlerDeps {
  watches: ReadonlyMap<string, Watch>;
  /** Built per run, so a rotated API key is picked up without a redeploy. */
  userflow: () => Promise<WatchUserflow>;
  state: AlertState;
  secrets: SecretSource;
  transport: Transport;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  log?: (entry: Record<string, unknown>) => void;
}

/** Every `*.yaml` in `dir`, by watch name; duplicate names are a ConfigError (they would share state). */
export async function loadWatchFiles(dir: string): Promise<Map<string, Watch>> {
  const watches = new Map<string, Watch>();
  for (const name of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    const watch = await loadWatchFile(join(dir, name));
    const other = watches.get(watch.name);
    if (other)
      throw new ConfigError(`${watch.source}: the name ${watch.name} is also used by ${other.source}`);
    watches.set(watch.name, watch);
  }
  return watches;
}

/**
 * Fails the invocation when an alert was not delivered, so the scheduler's retry (and the error alarm) see it;
 * the retry re-runs the watch, and alerts already sent are in the state, so only the failed ones go out again.
 */
export function createWatchHandler(deps: WatchHandlerDeps) {
  const now = deps.now ?? (() => new Date());
  return async (event: { watch?: unknown }): Promise<Omit<WatchRunResult, 'alerts'> & { sent: number }> => {
    const watch = typeof event?.watch === 'string' ? deps.watches.get(event.watch) : undefined;
    if (!watch) {
      throw new ConfigError(
        `no bundled watch named ${JSON.stringify(event?.watch)}; known: ${[...deps.watches.keys()].join(', ')}`,
      );
    }
    const deliver = await alertTarget(watch, {
      secrets: deps.secrets,
      transport: deps.transport,
      sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now,
    });
    const result = await runWatch({
      watch,
      userflow: await deps.userflow(),
      state: deps.state,
      deliver,
      now: now(),
      onProgress: (read) => deps.log?.({ message: 'watch progress', watch: watch.name, sessions_read: read }),
    });
    const failed = result.alerts.filter((a) => a.status === 'failed');
    const { alerts, ...summary } = result;
    deps.log?.({
      message: 'watch run',
      ...summary,
      sent: alerts.length - failed.length,
      failed: failed.length,
    });
    if (failed.length) {
      throw new AlertDeliveryError(
        `${failed.length} alert(s) of ${watch.name} not delivered: ${failed[0]?.error}`,
        {
          retryable: true,
          attempts: 0,
        },
      );
    }
    return { ...summary, sent: alerts.length };
  };
}
