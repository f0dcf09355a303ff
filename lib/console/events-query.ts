// The events list's query over the trail: the store filters what it can (source, user), the rest (outcome as
// the badge shows it, event-id text) is filtered here over a bounded window of the newest records.
import type { AttemptRecord, IntakeRecord, TrailStore } from '../trail/index.ts';
import { commandIds, type DisplayOutcome, displayOutcome } from './outcome.ts';

export const PAGE_SIZE = 50;
/** How far back in-memory filters look: the newest records are the ones an operator is after. */
export const SCAN_WINDOW = 5_000;

export interface EventFilters {
  source?: string;
  outcome?: string;
  user?: string;
  /** Part of an event id, request id or command id. */
  q?: string;
}

export interface EventRow {
  intake: IntakeRecord;
  outcome: DisplayOutcome;
}

export interface EventPage {
  rows: EventRow[];
  page: number;
  hasMore: boolean;
}

export async function queryEvents(
  trail: TrailStore,
  filters: EventFilters,
  page: number,
): Promise<EventPage> {
  const rows = await webhookRows(trail, filters, page * PAGE_SIZE + 1);
  const from = (page - 1) * PAGE_SIZE;
  return { rows: rows.slice(from, from + PAGE_SIZE), page, hasMore: rows.length > from + PAGE_SIZE };
}

/** The newest `wanted` webhook rows passing the filters (fewer when the trail has fewer). */
export async function webhookRows(
  trail: TrailStore,
  filters: EventFilters,
  wanted: number,
): Promise<EventRow[]> {
  const inMemory = filters.outcome !== undefined || filters.q !== undefined;
  const intakes = await trail.listIntakes({
    ...(filters.source ? { source: filters.source } : {}),
    ...(filters.user ? { userId: filters.user } : {}),
    limit: inMemory ? SCAN_WINDOW : wanted,
  });
  const textHits = filters.q ? intakes.filter((i) => matchesText(i, filters.q ?? '')) : intakes;
  // An exact id may be older than the window: the store finds it directly.
  if (filters.q && !textHits.some((i) => i.requestId === filters.q || i.eventIds.includes(filters.q ?? ''))) {
    const exact = await trail.findIntake(filters.q);
    if (exact && passesStoreFilters(exact, filters)) textHits.unshift(exact);
  }
  const rows = await withOutcomes(trail, filters.outcome ? textHits : textHits.slice(0, wanted));
  return (filters.outcome ? rows.filter((r) => r.outcome === filters.outcome) : rows).slice(0, wanted);
}

/** Command ids per `attemptsFor` call: a window of thousands of records would pass SQLite's bound-parameter cap. */
const ATTEMPT_CHUNK = 500;

export async function withOutcomes(trail: TrailStore, intakes: readonly IntakeRecord[]): Promise<EventRow[]> {
  const ids = commandIds(intakes);
  const attempts: AttemptRecord[] = [];
  for (let i = 0; i < ids.length; i += ATTEMPT_CHUNK) {
    attempts.push(...(await trail.attemptsFor(ids.slice(i, i + ATTEMPT_CHUNK))));
  }
  const byCommand = new Map<string, AttemptRecord[]>();
  for (const a of attempts) {
    const list = byCommand.get(a.commandId);
    if (list) list.push(a);
    else byCommand.set(a.commandId, [a]);
  }
  return intakes.map((intake) => ({
    intake,
    outcome: displayOutcome(
      intake,
      commandIds([intake]).flatMap((id) => byCommand.get(id) ?? []),
    ),
  }));
}

export function matchesFilters(row: EventRow, filters: EventFilters): boolean {
  if (!passesStoreFilters(row.intake, filters)) return false;
  if (filters.outcome && row.outcome !== filters.outcome) return false;
  return !filters.q || matchesText(row.intake, filters.q);
}

function passesStoreFilters(intake: IntakeRecord, filters: EventFilters): boolean {
  if (filters.source && intake.source !== filters.source) return false;
  if (filters.user && !intake.events.some((e) => e.commands.some((c) => c.userId === filters.user)))
    return false;
  return true;
}

function matchesText(intake: IntakeRecord, q: string): boolean {
  const needle = q.toLowerCase();
  return (
    intake.requestId.toLowerCase().includes(needle) ||
    intake.eventIds.some((id) => id.toLowerCase().includes(needle)) ||
    intake.events.some((e) => e.commands.some((c) => c.id.toLowerCase().includes(needle)))
  );
}
