/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The events page: webhooks, sync runs and direct calls from the trail, filtered and paginated, streamed in live.
import type { FC } from 'hono/jsx';
import type { EventFilters, EventRow } from '../events-query.ts';
import { DIRECT_SOURCE, type FeedPage, type FeedRow, SYNC_SOURCE } from '../feed.ts';
import { Badge, formatTime, href, Page } from '../layout.tsx';
import { FEED_OUTCOMES, usersOf } from '../outcome.ts';

/** One row of the feed, whatever its kind; its id lets the live stream replace it when its badge changes. */
export const FeedRowView: FC<{ row: FeedRow }> = ({ row }) => {
  if (row.kind === 'webhook') return <EventRowView row={row.row} />;
  if (row.kind === 'sync') {
    const { run } = row;
    return (
      <tr id={`row-sync-${run.runId}`} data-kind="sync">
        <td class="mono">{formatTime(run.startedAt)}</td>
        <td>sync {run.name}</td>
        <td>sync run</td>
        <td class="mono">
          <a href={href(`/sync-runs/${encodeURIComponent(run.runId)}`, {})}>{run.runId}</a>
        </td>
        <td class="note">—</td>
        <td>
          <Badge outcome={row.outcome} />
          {run.error ? <span class="note">{` ${run.error}`}</span> : null}
        </td>
      </tr>
    );
  }
  const { call } = row;
  return (
    <tr id={`row-call-${call.commandId}`} data-kind="direct">
      <td class="mono">{formatTime(call.at)}</td>
      <td>{call.principal ?? call.origin ?? 'direct'}</td>
      <td>direct call {call.action}</td>
      <td class="mono">{call.commandId}</td>
      <td class="mono">
        {call.userId ? <a href={href('/users', { id: call.userId })}>{call.userId}</a> : null}
      </td>
      <td>
        <Badge outcome={row.outcome} />
        {call.reason ? <span class="note">{` ${call.reason}`}</span> : null}
      </td>
    </tr>
  );
};

export const EventRowView: FC<{ row: EventRow }> = ({ row }) => {
  const { intake } = row;
  const types = [...new Set(intake.events.map((e) => e.type).filter(Boolean))].join(', ');
  const users = usersOf(intake);
  return (
    <tr id={`row-${intake.requestId}`}>
      <td class="mono">{formatTime(intake.receivedAt)}</td>
      <td>{intake.source}</td>
      <td>{types || <span class="note">—</span>}</td>
      <td class="mono">
        <a href={href(`/events/${encodeURIComponent(intake.requestId)}`, {})}>
          {intake.eventIds[0] ?? intake.requestId}
        </a>
        {intake.eventIds.length > 1 ? <span class="note">{` +${intake.eventIds.length - 1}`}</span> : null}
      </td>
      <td class="mono">
        {users.map((user, i) => (
          <>
            {i > 0 ? ', ' : ''}
            <a href={href('/users', { id: user })}>{user}</a>
          </>
        ))}
      </td>
      <td>
        <Badge outcome={row.outcome} />
        {row.outcome === 'rejected' ? (
          <span class="note">{` ${intake.errorCode ?? intake.outcome}`}</span>
        ) : null}
      </td>
    </tr>
  );
};

export const EventsPage: FC<{
  page: FeedPage;
  filters: EventFilters;
  sources: string[];
  streamUrl: string | undefined;
}> = ({ page, filters, sources, streamUrl }) => (
  <Page title="Events" section="events">
    <h1>
      Events{' '}
      {streamUrl ? (
        <span class="live" id="live-status" aria-live="polite">
          connecting…
        </span>
      ) : null}
    </h1>
    <form class="filters" method="get" action={href('/', {})} aria-label="Filter events">
      <label>
        Source
        <select name="source">
          <option value="">any</option>
          {sources.map((s) => (
            <option value={s} selected={filters.source === s}>
              {s}
            </option>
          ))}
          <option value={SYNC_SOURCE} selected={filters.source === SYNC_SOURCE}>
            sync runs
          </option>
          <option value={DIRECT_SOURCE} selected={filters.source === DIRECT_SOURCE}>
            direct calls
          </option>
        </select>
      </label>
      <label>
        Outcome
        <select name="outcome">
          <option value="">any</option>
          {FEED_OUTCOMES.map((o) => (
            <option value={o} selected={filters.outcome === o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <label>
        User id
        <input name="user" value={filters.user ?? ''} />
      </label>
      <label>
        Event id contains
        <input name="q" value={filters.q ?? ''} />
      </label>
      <button type="submit">Filter</button>
      <a href={href('/', {})}>Clear</a>
    </form>
    <table aria-label="Events">
      <thead>
        <tr>
          <th scope="col">Received</th>
          <th scope="col">Source</th>
          <th scope="col">Type</th>
          <th scope="col">Event id</th>
          <th scope="col">User</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody id="events" data-live={streamUrl} data-live-status="live-status">
        {page.rows.length === 0 ? (
          <tr data-empty>
            <td colspan={6} class="note">
              No events yet{streamUrl ? ': new ones appear here as they arrive.' : '.'}
            </td>
          </tr>
        ) : (
          page.rows.map((row) => <FeedRowView row={row} />)
        )}
      </tbody>
    </table>
    <nav class="pager" aria-label="Pages">
      {page.page > 1 ? <a href={href('/', { ...filters, page: page.page - 1 })}>← Newer</a> : null}
      <span>Page {page.page}</span>
      {page.hasMore ? <a href={href('/', { ...filters, page: page.page + 1 })}>Older →</a> : null}
    </nav>
  </Page>
);
