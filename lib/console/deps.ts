// What the console needs from the bridge, as ports: the trail, the queues, the rules and a few providers.
// Local mode and `userflow-bridge console` fill it in; tests fill it with a SQLite trail and the embedded queue.
import type { DlqSource } from '../dlq/dlq-tools.ts';
import type { Queue, QueueCounts, ReceivedMessage } from '../queue/queue.ts';
import type { RuleSet } from '../rules/index.ts';
import type { IntakeRecord, RuleDecision, TrailCommand, TrailStore } from '../trail/index.ts';

/** A main queue and its DLQ, as the status and dead-letter pages read them. */
export interface ConsoleQueuePair {
  /** `webhooks`, `sync`: the name the pages show and the redrive form posts. */
  name: string;
  main: Queue & { counts?(): Promise<QueueCounts>; browse?(): Promise<ReceivedMessage[]> };
  dlq: DlqSource;
  /** The main queue's ARN (SQS): lets "redrive all" use SQS's own move task. */
  mainArn?: string;
}

export interface StatusInfo {
  target: { mode: 'sandbox' | 'api' | 'unknown'; url?: string; region?: string };
  /** The Userflow request ceiling deliveries share, per second. */
  rateLimitPerSecond?: number;
  /** The shared budget as this process last saw it: the rate in use (discovered under the ceiling) and the rate
   * the last 429 came at. */
  budget?: { ratePerSecond: number; lastThrottleRate?: number; throttles: number };
  /** The last rule-file error (the watcher keeps the last good rules in force meanwhile). */
  rulesError?: string;
  rulesDir?: string;
}

export interface ReplayResult {
  /** The replay's own trail record (`<request id>/replay-<n>`): written only when it was queued. */
  replayId: string;
  /** The commands the replay would queue (dry run) or queued. */
  commands: TrailCommand[];
  /** Each current rule's decision on the stored event, as `rules test` explains it. */
  rules: RuleDecision[];
  queued: number;
  dryRun: boolean;
}

/**
 * Re-runs one event of a trail record through the current rules and, unless a dry run, queues the result (the
 * `events replay` command's core). A refusal (body not stored, no such verified event) is a `TrailError`.
 */
export type ReplayFn = (
  intake: IntakeRecord,
  eventId: string,
  options: { dryRun: boolean },
) => Promise<ReplayResult>;

/** A user as Userflow has them now. */
export interface UserState {
  attributes: Record<string, unknown>;
  groups: string[];
}

export interface ConsoleDeps {
  trail: TrailStore;
  queues: readonly ConsoleQueuePair[];
  /** The rules in force now (the watcher's getter, so a reload shows at once). */
  rules: () => RuleSet;
  status: () => StatusInfo | Promise<StatusInfo>;
  /** Current Userflow state of a user; undefined when Userflow has no such user. Absent: the page says so. */
  userState?: (userId: string) => Promise<UserState | undefined>;
  /** Absent (a console with no queue to replay onto): the button is shown disabled, with a note. */
  replay?: ReplayFn;
  /** The `samples/` folder the playground offers (one sub-folder per source). */
  samplesDir?: string;
  /** When set, every request must carry it (required when bound to a non-loopback address). */
  token?: string;
  /** How often the live streams look for new records: the trail has no change feed (default 1000 ms). */
  livePollMs?: number;
  now?: () => Date;
}
