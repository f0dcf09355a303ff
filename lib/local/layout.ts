// Where local mode keeps its durable state, so `start`, `sync run`, `dlq` and `send` agree without flags.
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_RECEIVE_COUNT } from '../policy.ts';

export const DEFAULT_LOCAL_DIR = '.local';
/** The rule files `start`, `send` and `events replay` read when neither --rules nor RULES_DIR says otherwise. */
export const DEFAULT_RULES_DIR = 'rules';

export const QUEUE_NAMES = {
  /** Live webhook commands. */
  webhooks: 'webhooks',
  webhooksDlq: 'webhooks-dlq',
  /** Database-sync commands: their own queue, with their own share of the Userflow rate budget. */
  sync: 'sync',
  syncDlq: 'sync-dlq',
} as const;

export function localLayout(dir = DEFAULT_LOCAL_DIR) {
  return {
    dir,
    queueDb: join(dir, 'queue.db'),
    idempotencyDb: join(dir, 'idempotency.db'),
    syncStateDb: join(dir, 'sync-state.db'),
    /** The one Userflow budget every local process leases from (lib/budget/sqlite-lease-store.ts). */
    budgetDb: join(dir, 'budget.db'),
    auditLog: join(dir, 'audit.jsonl'),
    /** The event trail: intakes, rule decisions, Userflow attempts, sync runs (lib/trail/sqlite-store.ts). */
    trailDb: join(dir, 'trail.db'),
    sandboxSnapshot: join(dir, 'sandbox.json'),
  };
}

/**
 * Settings of the local queues. The embedded queue applies them when it is opened, so every process opening the
 * same file (start, sync run, dlq) must pass the same ones.
 */
export const LOCAL_QUEUE_SETTINGS = {
  /** As the AWS stack (cdk/delivery-queues.ts): enough receives to ride out a 30-minute Userflow outage. */
  maxReceiveCount: MAX_RECEIVE_COUNT,
  visibilityTimeoutSeconds: 30,
} as const;

/** The files only `start` and `send` use, beside the shared layout. */
export function startLayout(dir = DEFAULT_LOCAL_DIR) {
  return {
    ...localLayout(dir),
    /** Generated webhook secrets for sandbox mode, so `send` signs with what `start` verifies. */
    devSecrets: join(dir, 'dev-secrets.json'),
    /** The sandbox's first-start data: the demo set plus the user the samples talk about. */
    sandboxSeed: join(dir, 'sandbox-seed.json'),
  };
}

/**
 * Makes the local dir owner-only (0700) and every file in it 0600, including ones an earlier version left
 * world-readable: the queue, idempotency store, audit log and sandbox snapshot hold emails and payload data.
 * The writers create their files 0600 too; this catches what they did not create.
 */
export function secureLocalDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(join(dir, entry.name), 0o600);
  }
}
