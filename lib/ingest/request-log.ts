// The one structured log line per webhook request: source, event ids, outcome, counts and latency — never
// secrets, signatures or payloads (event ids and rule names only; skip reasons are the rules engine's).
import type { Logger } from '../logger.ts';
import type { EventSummary } from './pipeline.ts';

export interface RequestLog {
  source: string;
  status: number;
  /** `accepted`, `duplicate`, or the error code. */
  outcome: string;
  latencyMs: number;
  events?: EventSummary[];
  accepted?: number;
  duplicates?: number;
  /** For 5xx: what went wrong on our side (error name, message and cause; our messages carry no secrets). */
  error?: Record<string, unknown>;
}

const MAX_SOURCE_CHARS = 64;

export function writeRequestLog(logger: Logger, entry: RequestLog): void {
  const events = entry.events ?? [];
  const attributes = {
    source: entry.source.slice(0, MAX_SOURCE_CHARS),
    status: entry.status,
    outcome: entry.outcome,
    latencyMs: Math.round(entry.latencyMs * 100) / 100,
    events: events.map(({ id, type, outcome, commands }) =>
      type === undefined ? { id, outcome, commands } : { id, type, outcome, commands },
    ),
    ...(entry.accepted === undefined ? {} : { accepted: entry.accepted }),
    ...(entry.duplicates === undefined ? {} : { duplicates: entry.duplicates }),
    ...unmatched(events),
    ...(entry.error ? { error: entry.error } : {}),
  };
  const message = `webhook ${entry.outcome}`;
  if (entry.status >= 500) logger.error(message, attributes);
  else if (entry.status >= 400) logger.warn(message, attributes);
  else logger.info(message, attributes);
  // Why each rule did or did not produce commands, for `rules test`-style debugging in production.
  for (const event of events) {
    if (event.trace)
      logger.debug('rule trace', { source: attributes.source, eventId: event.id, trace: event.trace });
  }
}

/** Events the rules ran on that produced no command: logged, not an error (a sender may send events no rule is for). */
function unmatched(events: readonly EventSummary[]): { unmatched?: string[] } {
  const ids = events.filter((event) => event.outcome === 'accepted' && event.commands === 0).map((e) => e.id);
  return ids.length ? { unmatched: ids } : {};
}

/** Name, message and a chain of causes (names and messages only; SDK errors carry no request bodies). */
export function describeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.cause !== undefined && depth < 3 ? { cause: describeError(error.cause, depth + 1) } : {}),
  };
}
