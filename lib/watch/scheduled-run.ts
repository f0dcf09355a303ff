// The watch Lambda's logic: a scheduler event `{ "watch": "<name>" }` → one run of that bundled watch file.
import { ConfigError } from '../errors.ts';
import type { SecretSource } from '../secrets/index.ts';
import type { Transport } from '../userflow/transport.ts';
import { AlertDeliveryError } from './errors.ts';
import { runWatch, type WatchRunOptions, type WatchRunResult, type WatchUserflow } from './run.ts';
import type { AlertState } from './state.ts';
import { alertTarget } from './target.ts';
import type { Watch } from './watch.ts';

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
  /** Time kept in hand when stopping early: an alert in flight may wait out a Retry-After. @default 120 s */
  stopMarginMs?: number;
  /** Told of each session completed after its alert (the function writes it to the trail). */
  onCompletedAfterAlert?: WatchRunOptions['onCompletedAfterAlert'];
}

/** What the Lambda runtime passes; absent in tests and local calls, where a run never stops early. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export type WatchInvocationResult = Omit<WatchRunResult, 'alerts'> & { sent: number; resumed_after?: string };

/**
 * Fails the invocation when an alert was not delivered, so the scheduler's retry (and the error alarm) see it;
 * the retry re-runs the watch, and alerts already sent are in the state, so only the failed ones go out again.
 *
 * A run that nears the function's timeout stops after the session it is on and saves a cursor there; the next
 * invocation (the schedule's next tick) goes on from it instead of starting over, until one reads to the end.
 * Every alert is recorded before the cursor moves past its session, so none is sent twice or skipped.
 */
export function createWatchHandler(deps: WatchHandlerDeps) {
  const now = deps.now ?? (() => new Date());
  const margin = deps.stopMarginMs ?? 120_000;
  return async (event: { watch?: unknown }, context?: InvocationContext): Promise<WatchInvocationResult> => {
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
    const resumeAfter = await deps.state.getCursor(watch.name);
    const remaining = context ? () => context.getRemainingTimeInMillis() : undefined;
    const result = await runWatch({
      watch,
      userflow: await deps.userflow(),
      state: deps.state,
      deliver,
      now: now(),
      onProgress: (read) => deps.log?.({ message: 'watch progress', watch: watch.name, sessions_read: read }),
      ...(resumeAfter ? { resumeAfter } : {}),
      ...(remaining ? { shouldStop: () => remaining() < margin } : {}),
      ...(deps.onCompletedAfterAlert ? { onCompletedAfterAlert: deps.onCompletedAfterAlert } : {}),
    });
    const failed = result.alerts.filter((a) => a.status === 'failed');
    // After a failure the cursor stays put: the retry reads this stretch again and sends only what failed.
    if (!failed.length) await deps.state.putCursor(watch.name, result.resume_after);
    const { alerts, ...summary } = result;
    deps.log?.({
      message: result.resume_after ? 'watch run stopped early; the next invocation continues' : 'watch run',
      ...summary,
      ...(resumeAfter ? { resumed_after: resumeAfter } : {}),
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
    return { ...summary, sent: alerts.length, ...(resumeAfter ? { resumed_after: resumeAfter } : {}) };
  };
}
