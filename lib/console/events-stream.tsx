/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The events list's live feed. The trail has no change feed, so the server looks for new and changed records on
// each tick and sends them as rendered rows; the browser only listens.
import type { SSEStreamingApi } from 'hono/streaming';
import type { TrailStore } from '../trail/index.ts';
import {
  type EventFilters,
  type EventRow,
  matchesFilters,
  queryEvents,
  withOutcomes,
} from './events-query.ts';
import {
  DIRECT_SOURCE,
  type FeedRow,
  isDirectCall,
  matchesFeedFilters,
  SYNC_SOURCE,
  syncOutcome,
} from './feed.ts';
import { FeedRowView } from './pages/events.tsx';

/** How many of the newest sync runs each tick looks at: a run's badge changes when it ends. */
const SYNC_LOOKBACK = 20;

/**
 * How far before the page was rendered the feed still looks. A record is stamped when its request arrived (or its
 * call started) but written when the work is done: one stamped before the page and written after it is on neither
 * the page nor a feed that starts at the page's time. A row found again that the page already shows replaces
 * itself in the browser (rows carry their id), so looking back costs one re-sent row, never a duplicate.
 */
export const LATE_WRITE_MS = 30_000;

export function feedTicker(
  trail: TrailStore,
  filters: EventFilters,
  after: Date,
): (stream: SSEStreamingApi) => Promise<void> {
  const kindOnly = filters.source === SYNC_SOURCE || filters.source === DIRECT_SOURCE;
  const webhooks = !kindOnly;
  const syncs = !filters.source || filters.source === SYNC_SOURCE;
  const directs = !filters.source || filters.source === DIRECT_SOURCE;
  const since = new Date(after.getTime() - LATE_WRITE_MS);
  const sent = new Set<string>();
  // Rows still queued or retrying, on the page or streamed since: re-sent when their badge changes.
  const pending = new Map<string, EventRow>();
  const track = (row: EventRow) => {
    if (row.outcome === 'queued' || row.outcome === 'retrying') pending.set(row.intake.requestId, row);
    else pending.delete(row.intake.requestId);
  };
  /** Each sync run's badge as last shown (page or stream): a run appears once, then again only when it ends. */
  const runBadges = new Map<string, string>();
  let seeded = false;

  return async (stream) => {
    const send = (row: FeedRow) =>
      stream.writeSSE({ event: 'row', data: (<FeedRowView row={row} />).toString() });
    if (!seeded) {
      seeded = true;
      if (webhooks) for (const row of (await queryEvents(trail, filters, 1)).rows) track(row);
      if (syncs)
        for (const run of await trail.listSyncRuns({ limit: SYNC_LOOKBACK }))
          runBadges.set(run.runId, syncOutcome(run));
    }
    if (webhooks) {
      for (const row of await withOutcomes(
        trail,
        [...pending.values()].map((r) => r.intake),
      )) {
        if (row.outcome === pending.get(row.intake.requestId)?.outcome) continue;
        track(row);
        await send({ kind: 'webhook', at: row.intake.receivedAt, row });
      }
      const fresh = (
        await trail.listIntakes({
          since,
          limit: 200,
          ...(filters.source ? { source: filters.source } : {}),
          ...(filters.user ? { userId: filters.user } : {}),
        })
      ).filter((i) => !sent.has(i.requestId));
      const rows = (await withOutcomes(trail, fresh.reverse())).filter((r) => matchesFilters(r, filters));
      for (const row of rows) {
        sent.add(row.intake.requestId);
        track(row);
        await send({ kind: 'webhook', at: row.intake.receivedAt, row });
      }
    }
    if (syncs && !filters.user) {
      const runs = (await trail.listSyncRuns({ limit: SYNC_LOOKBACK })).reverse();
      for (const run of runs) {
        const row: FeedRow = { kind: 'sync', at: run.startedAt, run, outcome: syncOutcome(run) };
        if (runBadges.get(run.runId) === row.outcome || !matchesFeedFilters(row, filters)) continue;
        runBadges.set(run.runId, row.outcome);
        await send(row);
      }
    }
    if (directs) {
      const calls = await trail.listAttempts({
        since,
        limit: 200,
        ...(filters.user ? { userId: filters.user } : {}),
      });
      for (const call of calls.filter(isDirectCall).reverse()) {
        const key = `call:${call.commandId}`;
        const row: FeedRow = { kind: 'direct', at: call.at, call, outcome: call.outcome };
        if (sent.has(key) || !matchesFeedFilters(row, filters)) continue;
        sent.add(key);
        await send(row);
      }
    }
  };
}
