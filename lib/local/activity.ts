// One short human line per webhook answered and per Userflow call made, so `npm start` shows what happens.
import type { Command } from '../commands/index.ts';
import type { AuditRecord, AuditSink } from '../deliver/index.ts';
import type { RequestLog } from '../ingest/request-log.ts';
import { commandLines } from './command-lines.ts';
import { printable } from './printable.ts';

export { printable };

export type Print = (line: string) => void;

/** The retry reason of a record the consumers gave back because the bridge is stopping. */
export const STOPPING_REASON = 'stopping';

type Fetch = (request: Request, ...rest: never[]) => Response | Promise<Response>;

/** Wraps an HTTP handler: after each webhook it prints the source, status, what became of it and its events. */
export function withWebhookActivity<F extends Fetch>(
  fetch: F,
  print: Print,
  eventsOf: (request: Request) => readonly string[] | undefined = () => undefined,
): F {
  const wrapped = async (request: Request, ...rest: never[]) => {
    const response = await fetch(request, ...rest);
    const match = /^\/webhooks\/([^/]+)$/.exec(new URL(request.url).pathname);
    if (request.method === 'POST' && match) {
      const source = decodePathSegment(match[1] ?? '');
      print(webhookLine(source, response.status, await peekJson(response), eventsOf(request)));
    }
    return response;
  };
  return wrapped as F;
}

/**
 * The live webhook lines of `npm start`: `onRequestLog` goes to the ingest app, which tells it each request's
 * event ids; `wrap` wraps the app's handler and prints a line per webhook with them.
 */
export function webhookActivity(print: Print) {
  const events = new WeakMap<Request, readonly string[]>();
  return {
    onRequestLog(entry: RequestLog, request: Request): void {
      if (entry.events?.length)
        events.set(
          request,
          entry.events.map((e) => e.id),
        );
    },
    wrap: <F extends Fetch>(fetch: F): F =>
      withWebhookActivity(fetch, print, (request) => events.get(request)),
  };
}

/**
 * The source name as the sender spelled it. A malformed escape (`%E0%A4%A`) stays as sent: the app has already
 * answered it 404, and a printer that throws here turned that answer into an empty 500.
 */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function peekJson(response: Response): Promise<unknown> {
  try {
    return await response.clone().json();
  } catch {
    return undefined;
  }
}

/** How many event ids a webhook line names before it counts the rest. */
const MAX_EVENT_IDS = 3;

export function webhookLine(
  source: string,
  status: number,
  body: unknown,
  eventIds: readonly string[] = [],
): string {
  const b = (body ?? {}) as {
    accepted?: number;
    duplicate?: boolean;
    events?: number;
    duplicates?: number;
    error?: { code?: string; message?: string };
  };
  let what: string;
  if (b.error) what = `${b.error.code ?? 'error'}: ${b.error.message ?? ''}`.trim();
  else if (b.duplicate) what = 'duplicate (already accepted, nothing queued)';
  else {
    const events = b.events !== undefined && b.events !== 1 ? ` from ${b.events} events` : '';
    const dupes = b.duplicates ? `, ${b.duplicates} duplicate` : '';
    what = `queued ${b.accepted ?? 0} command${b.accepted === 1 ? '' : 's'}${events}${dupes}`;
  }
  const more = eventIds.length > MAX_EVENT_IDS ? ` (+${eventIds.length - MAX_EVENT_IDS} more)` : '';
  const events = eventIds.length
    ? `  event${eventIds.length === 1 ? '' : 's'} ${eventIds.slice(0, MAX_EVENT_IDS).join(', ')}${more}`
    : '';
  return printable(`← webhook ${source}  ${status}  ${what}${events}`);
}

/**
 * Every audit record to `sink`, and a line about it to `print` unless quiet. Records after `close` are dropped:
 * only a batch abandoned at shutdown writes them, and its messages were returned, so they are delivered (and
 * audited) again by the next run.
 */
export function printingAuditSink(
  sink: AuditSink,
  print: Print | undefined,
): AuditSink & { returnedAtStop(): number } {
  let closed = false;
  let returned = 0;
  const writeCommand = (records: readonly AuditRecord[], command: Command | undefined) => {
    if (closed || records.length === 0) return;
    for (const record of records) sink.write(record);
    // Commands handed back because the bridge is stopping are summed up once, not listed.
    if (records.some((r) => r.reason === STOPPING_REASON)) returned++;
    else for (const line of commandLines(records, command)) print?.(line);
  };
  return {
    write: (record) => writeCommand([record], undefined),
    writeCommand,
    returnedAtStop: () => returned,
    async close() {
      closed = true;
      await sink.close?.();
    },
  };
}
