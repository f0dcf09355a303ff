// The console inside `start`: the webhook server answers /console/ from the same trail, queues and rules.
import { join } from 'node:path';
import type { Budget } from '../budget/index.ts';
import type { ConsoleQueuePair } from '../console/deps.ts';
import { createConsoleApp } from '../console/index.ts';
import { replayThrough } from '../console/replay.ts';
import { isLoopbackAddress, newSecret } from '../console/security.ts';
import { userStateFrom } from '../console/userflow-state.ts';
import type { RuleSet } from '../rules/index.ts';
import type { TrailStore } from '../trail/index.ts';
import { openTrail } from '../trail/open.ts';
import type { UserflowRegion } from '../userflow/index.ts';
import type { LocalQueues } from './local-queues.ts';
import type { UserflowTarget } from './userflow-target.ts';

type Fetch = (request: Request) => Response | Promise<Response>;

export interface ConsoleMountOptions {
  /** The trail ingest and delivery write; when absent the console opens `trailPath` itself. */
  trail?: TrailStore;
  trailPath: string;
  queues: LocalQueues;
  rules: () => RuleSet;
  rulesError: () => string | undefined;
  rulesDir: string;
  target: UserflowTarget;
  /** The shared budget: the user page's Userflow reads draw on it as the `cli` class, the status page shows it. */
  budget?: Budget;
  region?: UserflowRegion;
  limitPerSecond: number;
  host: string;
  cwd: string;
}

export interface ConsoleMount {
  /** `fetch` with /console/ answered by the console and everything else by `next`. */
  wrap(next: Fetch): Fetch;
  /** Appended to the webhook origin for the banner (`/console/`, with `?token=` off loopback). */
  path: string;
  /** Ends the console's live streams; before the server closes, or it waits for them. */
  endStreams(): Promise<void>;
  close(): void;
}

export async function mountConsole(options: ConsoleMountOptions): Promise<ConsoleMount> {
  const owned = options.trail === undefined;
  const trail = options.trail ?? (await openTrail(options.trailPath));
  const pairs: ConsoleQueuePair[] = [
    { name: 'webhooks', main: options.queues.webhooks.main, dlq: options.queues.webhooks.dlq },
    ...(options.queues.sync
      ? [{ name: 'sync', main: options.queues.sync.main, dlq: options.queues.sync.dlq }]
      : []),
  ];
  // Bound beyond loopback, the webhook port is reachable by others: the console then wants a token.
  const token = isLoopbackAddress(options.host) ? undefined : newSecret();
  const { target } = options;
  const { app, endStreams } = createConsoleApp({
    trail,
    queues: pairs,
    rules: options.rules,
    status: async () => ({
      target: {
        mode: target.mode,
        url: target.baseUrl,
        ...(target.mode === 'api' && options.region ? { region: options.region } : {}),
      },
      rateLimitPerSecond: options.limitPerSecond,
      ...(options.budget ? { budget: await options.budget.read() } : {}),
      rulesDir: options.rulesDir,
      ...(options.rulesError() ? { rulesError: options.rulesError() } : {}),
    }),
    userState: userStateFrom(
      options.budget ? target.client.withGate(options.budget.gate('cli')) : target.client,
    ),
    samplesDir: join(options.cwd, 'samples'),
    // Replays go on the webhook queue this process's consumers read, so they are delivered like any webhook.
    replay: replayThrough({ trail, rules: options.rules, queue: options.queues.webhooks.main }),
    ...(token ? { token } : {}),
  });
  return {
    wrap: (next) => (request) => {
      const { pathname } = new URL(request.url);
      return pathname === '/console' || pathname.startsWith('/console/') ? app.fetch(request) : next(request);
    },
    path: `/console/${token ? `?token=${token}` : ''}`,
    endStreams,
    close: () => {
      if (owned) trail.close();
    },
  };
}
