// `events tail`: new trail records as they are written, by polling the store port until the signal aborts.
// Polling rather than a change feed, because the port (SQLite and DynamoDB alike) offers only time-ordered lists.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TrailStore } from '../trail/store.ts';
import type { AttemptRecord, IntakeRecord } from '../trail/types.ts';
import { attemptLine, intakeLine } from './events-text.ts';

export interface FollowOptions {
  store: Pick<TrailStore, 'listIntakes' | 'listAttempts'>;
  print: (line: string) => void;
  /** Aborting it ends the follow at the next wait: Ctrl-C in the CLI, the test's AbortController. */
  signal: AbortSignal;
  intervalMs: number;
  /** One JSON object per line (`{"intake": …}` or `{"attempt": …}`) instead of text. */
  json?: boolean;
  clock?: () => Date;
}

/**
 * How far back each poll looks. An intake is written once its request is answered but stamped with when it
 * arrived, so a slow request lands behind ones already printed; the window catches it, the seen set keeps
 * the rest from printing twice.
 */
const OVERLAP_MS = 60_000;
/** Per poll and kind: more than this within one window is a burst the text view cannot follow anyway. */
const PAGE = 1_000;

type Entry = { at: string; line: string };

export async function followTrail(options: FollowOptions): Promise<void> {
  const clock = options.clock ?? (() => new Date());
  const seen = new Map<string, number>();
  // The first poll only learns what is already there: tail shows what happens from now on.
  await poll(options, clock(), seen);
  while (!options.signal.aborted) {
    try {
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    } catch {
      return;
    }
    for (const entry of await poll(options, clock(), seen)) options.print(entry.line);
  }
}

async function poll(options: FollowOptions, now: Date, seen: Map<string, number>): Promise<Entry[]> {
  const since = new Date(now.getTime() - OVERLAP_MS);
  const [intakes, attempts] = await Promise.all([
    options.store.listIntakes({ since, limit: PAGE }),
    options.store.listAttempts({ since, limit: PAGE }),
  ]);
  const fresh: Entry[] = [];
  const note = (key: string, at: string, line: () => string) => {
    if (seen.has(key)) return;
    seen.set(key, Date.parse(at));
    fresh.push({ at, line: line() });
  };
  for (const intake of intakes) note(`i:${intake.requestId}`, intake.receivedAt, () => show(options, intake));
  for (const attempt of attempts) note(attemptKey(attempt), attempt.at, () => show(options, attempt));
  // Forget what has left the window, so a tail left running for days stays small.
  for (const [key, at] of seen) if (at < since.getTime() - OVERLAP_MS) seen.delete(key);
  // The lists come newest first; a log reads oldest first.
  return fresh.sort((a, b) => a.at.localeCompare(b.at));
}

function attemptKey(a: AttemptRecord): string {
  return `a:${a.commandId}:${a.messageId}:${a.attempt}:${a.at}`;
}

function show(options: FollowOptions, record: IntakeRecord | AttemptRecord): string {
  if ('requestId' in record) return options.json ? JSON.stringify({ intake: record }) : intakeLine(record);
  return options.json ? JSON.stringify({ attempt: record }) : attemptLine(record);
}
