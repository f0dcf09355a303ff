// The intake record of one webhook request, built from what ingest decided: pure, so what is stored (and what
// is never stored: signatures, credentials, redacted paths) is tested without a store.

import type { TrailConfig } from '../config/trail.ts';
import { trailCommandOf } from '../rules/decisions.ts';
import {
  DEFAULT_TRAIL_BODY_LIMIT_BYTES,
  DEFAULT_TRAIL_RETENTION_DAYS,
  expiresAt,
  redactHeaders,
  UNREAD_BODY,
} from '../trail/capture.ts';
import type { IntakeRecord, TrailEvent } from '../trail/types.ts';
import type { EventSummary, IngestSource } from './pipeline.ts';
import { trailBody } from './redact-body.ts';
import { ruleDecisions } from './rule-decisions.ts';

export const DEFAULT_TRAIL_CONFIG: TrailConfig = {
  bodyLimitBytes: DEFAULT_TRAIL_BODY_LIMIT_BYTES,
  retentionDays: DEFAULT_TRAIL_RETENTION_DAYS,
};

export interface IntakeInput {
  requestId: string;
  /** The URL segment as sent (also for an unknown source). */
  source: string;
  receivedAt: Date;
  status: number;
  /** `accepted`, `duplicate`, or the error code answered. */
  outcome: string;
  errorCode?: string;
  headers: Record<string, string>;
  /** Undefined when the request was refused before its body was read. */
  rawBody?: Uint8Array;
  /** `rawBody` as text, when ingest decoded it already. */
  bodyText?: string;
  /** The compiled source, when the name was known: its rules and `trail:` settings. */
  compiled?: IngestSource;
  events: readonly EventSummary[];
}

export function intakeRecord(input: IntakeInput, config: TrailConfig): IntakeRecord {
  const record: IntakeRecord = {
    requestId: input.requestId,
    source: input.source,
    receivedAt: input.receivedAt.toISOString(),
    status: input.status,
    outcome: input.outcome,
    eventIds: input.events.map((event) => event.id),
    headers: redactHeaders(input.headers),
    body: input.rawBody
      ? trailBody(input.rawBody, config.bodyLimitBytes, input.compiled?.trail, input.bodyText)
      : UNREAD_BODY,
    events: input.events.map((event) => trailEvent(event, input.compiled)),
    expiresAt: expiresAt(input.receivedAt, config.retentionDays),
  };
  if (input.errorCode !== undefined) record.errorCode = input.errorCode;
  return record;
}

function trailEvent(event: EventSummary, compiled: IngestSource | undefined): TrailEvent {
  const entry: TrailEvent = {
    id: event.id,
    outcome: event.outcome,
    // No trace: the rules did not run here (a duplicate, an event after a failed one); no decision to record.
    rules: event.trace ? ruleDecisions(event.trace, compiled?.rules) : [],
    commands: (event.envelopes ?? []).map(trailCommandOf),
  };
  if (event.type !== undefined) entry.type = event.type;
  return entry;
}
