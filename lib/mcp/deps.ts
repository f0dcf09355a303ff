// What the tools need from the outside world, passed in so local mode, the CLI and tests wire their own.

import type { DlqSource } from '../dlq/dlq-tools.ts';
import type { Queue } from '../queue/queue.ts';
import type { RuleSet } from '../rules/index.ts';
import type { TrailStore } from '../trail/store.ts';
import type { UserflowClient } from '../userflow/client.ts';
import type { WaitOptions } from './enqueue.ts';

export interface ToolDeps {
  /** Reads go straight to Userflow with it. */
  userflow: UserflowClient;
  /** Where writes go: the live (webhooks) queue, so they are ordered with webhook commands for the same user. */
  queue: Queue;
  /**
   * The event trail: audit records, `wait`, and the bridge tools read it; it holds each confirm token to one use.
   * Without it calls are not audited and a token confirms any number of calls in its 5 minutes.
   */
  trail?: TrailStore;
  /** The rule set in force, for `bridge_test_rule`. */
  rules?: () => RuleSet;
  /** Dead-letter queues by name (`webhooks`, `sync`), for `bridge_dlq_list`. */
  dlqs?: Readonly<Record<string, DlqSource>>;
  /** Signs confirmation tokens; a token only confirms on a server holding the same secret. */
  confirmSecret: Uint8Array;
  now: () => Date;
  wait: WaitOptions;
  /** How long audit records are kept (the trail's retention). */
  retentionDays: number;
}

export const DEFAULT_WAIT: WaitOptions = {
  timeoutMs: 20_000,
  pollMs: 250,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};
