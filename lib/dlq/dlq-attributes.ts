// The message attributes a dead-lettered message carries (set by delivery, read by `dlq list` and `dlq redrive`).

/*
 * SQS allows at most 10 message attributes per message, and this list has 11 names: `source`, `rule` and
 * `commandType` are optional because readers fall back to the envelope in the body (see `readDlqReason`).
 * Names may use letters, digits, `-`, `_` and `.`.
 * The `dlq.` prefix keeps them apart from any attribute the original message had. The body of a DLQ message is
 * the original envelope, unchanged, so a redrive replays exactly what was sent.
 */
export const DLQ_ATTRIBUTES = {
  /** Machine-readable reason, e.g. `userflow_not_found`, `invalid_params`, `unparseable`, `user_not_found`. */
  reason: 'dlq.reason',
  /** Human-readable error message (truncated; never a secret or a whole payload). */
  error: 'dlq.error',
  /** The HTTP status Userflow answered, when there was one. */
  status: 'dlq.userflow_status',
  /** Userflow's own error code, when it gave one. */
  userflowCode: 'dlq.userflow_code',
  /** The envelope's command id. */
  commandId: 'dlq.command_id',
  /** The envelope's source (e.g. `stripe`); `dlq redrive --filter source=…` matches it. */
  source: 'dlq.source',
  /** The envelope's rule name; `dlq redrive --filter rule=…` matches it. */
  rule: 'dlq.rule',
  /** The command's type (e.g. `track_event`). */
  commandType: 'dlq.command_type',
  /** ISO-8601 time of the dead-lettering. */
  failedAt: 'dlq.failed_at',
  /** ApproximateReceiveCount when it was dead-lettered. */
  receiveCount: 'dlq.receive_count',
  /** The message id it had on the main queue. */
  messageId: 'dlq.message_id',
} as const;

export type DlqAttributeKey = keyof typeof DLQ_ATTRIBUTES;

/** What the DLQ tools know about why a message is there. Fields are absent when nothing says. */
export interface DlqReason {
  reason: string;
  error?: string;
  status?: string;
  source?: string;
  rule?: string;
  commandType?: string;
  commandId?: string;
  failedAt?: string;
}

/**
 * Reads the reason from a DLQ message: the attributes first, then (for source, rule, command type and id) the
 * envelope in the body. A message dead-lettered by SQS's own redrive policy carries no reason attribute:
 * it is reported as `max_receive_count` (it failed transiently until SQS gave up on it).
 */
export function readDlqReason(attributes: Readonly<Record<string, string>>, body: string): DlqReason {
  const get = (key: DlqAttributeKey): string | undefined =>
    attributes[DLQ_ATTRIBUTES[key]] ?? attributes[bare(key)];
  const envelope = parseEnvelope(body);
  const out: DlqReason = { reason: get('reason') ?? 'max_receive_count' };
  const assign = (key: keyof DlqReason, value: string | undefined) => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  assign('error', get('error'));
  assign('status', get('status'));
  assign('source', get('source') ?? envelope.source);
  assign('rule', get('rule') ?? envelope.rule);
  assign('commandType', get('commandType') ?? envelope.commandType);
  assign('commandId', get('commandId') ?? envelope.id);
  assign('failedAt', get('failedAt'));
  return out;
}

// Accepts the plain names too (`reason`, `error_message`, `userflow_status`, …) that early senders used.
function bare(key: DlqAttributeKey): string {
  if (key === 'error') return 'error_message';
  if (key === 'status') return 'userflow_status';
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function parseEnvelope(body: string): { source?: string; rule?: string; commandType?: string; id?: string } {
  try {
    const value = JSON.parse(body) as {
      source?: unknown;
      rule?: unknown;
      id?: unknown;
      command?: { type?: unknown };
    };
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return {
      source: str(value?.source),
      rule: str(value?.rule),
      id: str(value?.id),
      commandType: str(value?.command?.type),
    };
  } catch {
    return {};
  }
}
