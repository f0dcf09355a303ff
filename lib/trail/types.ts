// The trail's records: what happened to each webhook request (intake) and each Userflow call (attempt).
// Plain data, JSON-serialisable, so every backend stores the same shape and `events show --json` prints it.

/** What a rule did with one event: the trace `rules test` prints, as a first-class outcome. */
export type RuleDecisionKind = 'matched' | 'no_match' | 'skipped';

export interface RuleDecision {
  name: string;
  decision: RuleDecisionKind;
  /** Why a rule skipped (a value evaluated to nothing), or why it did not match when that is known. */
  reason?: string;
}

/** A command an event produced: enough to find it in the queue and in Userflow. */
export interface TrailCommand {
  id: string;
  /** The command type (`upsert_user`, `track_event`, …). */
  kind: string;
  userId?: string;
  groupId?: string;
}

export interface TrailEvent {
  id: string;
  type?: string;
  /** The pipeline's per-event outcome: accepted, duplicate, failed, not_reached. */
  outcome: string;
  rules: RuleDecision[];
  commands: TrailCommand[];
}

/** The body as received, or, when it is too large or storing it is off, only what proves which body it was. */
export type TrailBody =
  | { stored: true; size: number; text: string }
  | { stored: false; size: number; sha256: string; reason: 'too_large' | 'disabled' | 'not_read' };

export interface IntakeRecord {
  requestId: string;
  source: string;
  /** ISO 8601. */
  receivedAt: string;
  status: number;
  /** `accepted`, `duplicate`, or the error code answered (`bad_signature`, `unknown_source`, …). */
  outcome: string;
  errorCode?: string;
  eventIds: string[];
  /** With every signature, authorization and cookie header removed. */
  headers: Record<string, string>;
  body: TrailBody;
  events: TrailEvent[];
  /** Epoch seconds after which the record may be dropped (the DynamoDB TTL attribute). */
  expiresAt: number;
}

/** One Userflow call made for a command (or the one record of a command that needed none). */
export interface AttemptRecord {
  commandId: string;
  messageId: string;
  /** ISO 8601, when the call started. */
  at: string;
  /** How many times the queue has handed out the message, this time included. */
  attempt: number;
  action: string;
  status?: number;
  latencyMs: number;
  /** The audit outcome (delivered, skipped, retry, dead_lettered, …); `failed` for a direct call that failed. */
  outcome: string;
  reason?: string;
  userflowCode?: string;
  source?: string;
  senderEventId?: string;
  userId?: string;
  groupId?: string;
  /** Who asked for the write: `webhook:<source>`, `sync:<name>`, `cli:<os user>`, `agent:<token name>`. */
  principal?: string;
  /** Where the command came from: `webhook:<source>`, `sync:<name>/<kind>`, `cli`. */
  origin?: string;
  /** What was sent: attributes, memberships, event name (never headers or keys). */
  request?: Record<string, unknown>;
  /** The command whose Userflow call delivered this one too (delivery coalesced their upserts into one call). */
  deliveredBy?: string;
  /** The later commands this command's call delivered as well. */
  alsoDelivers?: string[];
  expiresAt: number;
}

export interface IntakeQuery {
  source?: string;
  userId?: string;
  groupId?: string;
  outcome?: string;
  /** Only records received at or after this instant. */
  since?: Date;
  limit: number;
}

/** One `sync run`: what it compared and queued, and how it ended. */
export interface SyncRunRecord {
  runId: string;
  /** The sync's name (its file name). */
  name: string;
  /** ISO 8601. */
  startedAt: string;
  finishedAt?: string;
  /** `running` until it ends; then `completed`, `dry_run`, `refused` (a delete cap tripped) or `failed`. */
  outcome: string;
  /** Rows read, changes found, commands queued, … as the run's summary counts them. */
  counts: Record<string, number>;
  error?: string;
  expiresAt: number;
}

/** Attempts across every origin (webhooks, syncs, direct calls), newest first. */
export interface AttemptQuery {
  userId?: string;
  groupId?: string;
  principal?: string;
  /** Only attempts made at or after this instant. */
  since?: Date;
  limit: number;
}

export interface SyncRunQuery {
  name?: string;
  limit: number;
}
