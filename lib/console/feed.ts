// The events list as one feed of what reached (or was asked of) Userflow: incoming webhooks, sync runs and direct
// calls (`userflow-bridge userflow …` writes and agent tool calls), newest first. Each kind is read from its own
// trail lookup and filtered the same way; the merge is by time.
import type { AttemptRecord, SyncRunRecord, TrailStore } from '../trail/index.ts';
import { type EventFilters, type EventRow, PAGE_SIZE, SCAN_WINDOW, webhookRows } from './events-query.ts';

/** Source-filter values that pick a kind rather than a webhook source (`@`: no rule source can be named so). */
export const SYNC_SOURCE = '@sync';
export const DIRECT_SOURCE = '@direct';

/** Direct calls are attempts: the newest this many are searched for them (webhook deliveries are most). */
export const DIRECT_WINDOW = 2_000;

/** How many of the newest sync runs the run page looks through for the one asked for. */
export const SYNC_RUN_WINDOW = 1_000;

export type FeedRow =
  | { kind: 'webhook'; at: string; row: EventRow }
  | { kind: 'sync'; at: string; run: SyncRunRecord; outcome: string }
  | { kind: 'direct'; at: string; call: AttemptRecord; outcome: string };

export interface FeedPage {
  rows: FeedRow[];
  page: number;
  hasMore: boolean;
}

/** A call nobody queued: the CLI's direct writes (origin `cli`) and the agent tools' calls (origin `mcp`). */
export function isDirectCall(attempt: AttemptRecord): boolean {
  return attempt.origin === 'cli' || attempt.origin === 'mcp';
}

/** A sync run's badge: the trail's outcome in the badge's spelling; an unfinished run is `running`. */
export function syncOutcome(run: SyncRunRecord): string {
  return run.finishedAt ? run.outcome.replace('_', '-') : 'running';
}

export async function queryFeed(trail: TrailStore, filters: EventFilters, page: number): Promise<FeedPage> {
  const wanted = page * PAGE_SIZE + 1;
  const kinds = kindsFor(filters.source);
  const [webhooks, syncs, directs] = await Promise.all([
    kinds.webhook ? webhookRows(trail, filters, wanted) : [],
    kinds.sync ? syncRows(trail, filters, wanted) : [],
    kinds.direct ? directRows(trail, filters, wanted) : [],
  ]);
  const merged = [
    ...webhooks.map((row): FeedRow => ({ kind: 'webhook', at: row.intake.receivedAt, row })),
    ...syncs,
    ...directs,
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const from = (page - 1) * PAGE_SIZE;
  return { rows: merged.slice(from, from + PAGE_SIZE), page, hasMore: merged.length > from + PAGE_SIZE };
}

function kindsFor(source: string | undefined): { webhook: boolean; sync: boolean; direct: boolean } {
  if (source === SYNC_SOURCE) return { webhook: false, sync: true, direct: false };
  if (source === DIRECT_SOURCE) return { webhook: false, sync: false, direct: true };
  return { webhook: true, sync: source === undefined, direct: source === undefined };
}

export async function syncRows(trail: TrailStore, filters: EventFilters, wanted: number): Promise<FeedRow[]> {
  // A sync run is about many users, none singled out: a user filter leaves it out.
  if (filters.user) return [];
  const inMemory = filters.outcome !== undefined || filters.q !== undefined;
  const runs = await trail.listSyncRuns({ limit: inMemory ? SCAN_WINDOW : wanted });
  return runs
    .map((run): FeedRow => ({ kind: 'sync', at: run.startedAt, run, outcome: syncOutcome(run) }))
    .filter((row) => matchesFeedFilters(row, filters))
    .slice(0, wanted);
}

export async function directRows(
  trail: TrailStore,
  filters: EventFilters,
  wanted: number,
): Promise<FeedRow[]> {
  const attempts = await trail.listAttempts({
    ...(filters.user ? { userId: filters.user } : {}),
    limit: DIRECT_WINDOW,
  });
  return attempts
    .filter(isDirectCall)
    .map((call): FeedRow => ({ kind: 'direct', at: call.at, call, outcome: call.outcome }))
    .filter((row) => matchesFeedFilters(row, filters))
    .slice(0, wanted);
}

/** The in-memory filters for the two kinds that are not webhooks (the live stream uses it too). */
export function matchesFeedFilters(row: FeedRow, filters: EventFilters): boolean {
  if (row.kind === 'webhook') return true;
  if (filters.outcome && row.outcome !== filters.outcome) return false;
  const needle = filters.q?.toLowerCase();
  if (row.kind === 'sync') {
    if (filters.user) return false;
    return (
      !needle || row.run.runId.toLowerCase().includes(needle) || row.run.name.toLowerCase().includes(needle)
    );
  }
  if (filters.user && row.call.userId !== filters.user) return false;
  return !needle || row.call.commandId.toLowerCase().includes(needle);
}
