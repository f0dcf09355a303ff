// The audit trail: one structured record per Userflow call (or per command that needed none), through the one logger.
import type { SQSRecord } from 'aws-lambda';
import {
  type Command,
  type CommandType,
  commandSubject,
  type Envelope,
  envelopePrincipal,
} from '../commands/index.ts';
import type { Logger } from '../logger.ts';
import type { UserflowAction } from '../userflow/index.ts';

/** What became of the command (not of the single call): the question an operator asks of the audit log. */
export type AuditOutcome =
  | 'delivered'
  | 'skipped'
  | 'already_gone'
  | 'duplicate'
  | 'retry'
  | 'dead_lettered'
  /** A 401 earlier in the batch stopped it; the command comes back later. */
  | 'stopped';

export interface AuditRecord {
  /** When the call started (ISO 8601). */
  at: string;
  messageId: string;
  commandId?: string;
  source?: string;
  rule?: string;
  senderEventId?: string;
  command?: CommandType;
  /** The user the command is about: as named, or as a lookup resolved it. */
  userId?: string;
  groupId?: string;
  /** Who asked for the write: `webhook:<source>` or `sync:<name>`. */
  principal?: string;
  /** The Userflow action called; `none` when the command needed no call (duplicate, bad envelope, stopped). */
  action: UserflowAction | 'none';
  /**
   * Userflow's HTTP status. A success is recorded as 200: the client returns the object, not which 2xx carried
   * it. Failures without a response (timeouts, refused connections) carry the status the error family gives them.
   */
  status?: number;
  latencyMs: number;
  /** How many times the queue has handed out this message, this time included. */
  attempt: number;
  outcome: AuditOutcome;
  /** Why, when the outcome is not `delivered` (e.g. `userflow_rate_limited`, `lookup_not_found`). */
  reason?: string;
  userflowCode?: string;
  /** The command whose Userflow call delivered this one too (consecutive upserts of one target, one call). */
  deliveredBy?: string;
  /** The later commands this command's call delivered as well, in order. */
  alsoDelivers?: string[];
}

/** An audit record and the body of the call it records, which the trail keeps and the log does not. */
export interface AuditedCall {
  audit: AuditRecord;
  request?: Record<string, unknown>;
}

/** Where audit records go besides the logger: a JSONL file locally (see `jsonlAuditSink`). */
export interface AuditSink {
  write(record: AuditRecord): void;
  /**
   * When present, called once per command with all of its records (its lookups first, its own call last)
   * instead of `write` per record, with the command itself when the message parsed: for a reader who wants one
   * line per command (`npm start`). The command stays out of the records, which carry no user data.
   */
  writeCommand?(records: readonly AuditRecord[], command: Command | undefined): void;
  /** Flushes what was written (called when the consumer stops). */
  close?(): Promise<void>;
}

export interface CallRecord {
  action: UserflowAction;
  at: number;
  latencyMs: number;
  status?: number;
  reason?: string;
  userflowCode?: string;
  /** What was sent (attributes, memberships, event name): for the trail, never for the log. */
  request?: Record<string, unknown>;
}

/**
 * One record per Userflow call, each carrying what became of the command; one `none` record when there was no
 * call. Returns what it wrote, with each call's body, for the trail.
 */
export function emitCommandAudit(
  deps: { logger: Logger; auditSink?: AuditSink | undefined; clock: () => number },
  what: {
    record: SQSRecord;
    envelope: Envelope | undefined;
    attempt: number;
    calls: readonly CallRecord[];
    outcome: AuditOutcome;
    extra: Partial<AuditRecord>;
    /** The user a `user_lookup` resolved to, once delivery knows it. */
    resolvedUserId?: string | undefined;
  },
): AuditedCall[] {
  const { record, envelope, attempt, calls, outcome, extra } = what;
  const subject = envelope ? commandSubject(envelope.command) : {};
  const userId = subject.userId ?? what.resolvedUserId;
  const base = {
    messageId: record.messageId,
    ...(envelope
      ? {
          commandId: envelope.id,
          source: envelope.source,
          rule: envelope.rule,
          senderEventId: envelope.eventId,
          command: envelope.command.type,
          ...(userId === undefined ? {} : { userId }),
          ...(subject.groupId === undefined ? {} : { groupId: subject.groupId }),
          principal: envelopePrincipal(envelope),
        }
      : {}),
    attempt,
    outcome,
  };
  const written: AuditedCall[] =
    calls.length === 0
      ? [
          {
            audit: {
              at: new Date(deps.clock()).toISOString(),
              ...base,
              action: 'none',
              latencyMs: 0,
              ...extra,
            },
          },
        ]
      : calls.map(({ action, at, latencyMs, request, ...result }, i) => ({
          audit: {
            at: new Date(at).toISOString(),
            ...base,
            action,
            latencyMs,
            ...result,
            // A call's own failure reason stays; a successful call carries the command's (e.g. lookup_not_found).
            ...(extra.reason !== undefined && result.reason === undefined ? { reason: extra.reason } : {}),
            // The command's own write is its last call: the one that delivered the commands coalesced into it.
            ...(extra.alsoDelivers && i === calls.length - 1 ? { alsoDelivers: extra.alsoDelivers } : {}),
          },
          ...(request ? { request } : {}),
        }));
  const records = written.map((call) => call.audit);
  for (const audit of records) deps.logger.info('userflow call', { audit });
  const sink = deps.auditSink;
  if (sink?.writeCommand) sink.writeCommand(records, envelope?.command);
  else for (const audit of records) sink?.write(audit);
  return written;
}
