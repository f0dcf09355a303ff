/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The events page: the newest trail records, filtered and paginated, with new ones streamed in live.
import type { FC } from 'hono/jsx';
import type { EventFilters, EventPage, EventRow } from '../events-query.ts';
import { Badge, formatTime, href, Page } from '../layout.tsx';
import { DISPLAY_OUTCOMES, usersOf } from '../outcome.ts';

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
  page: EventPage;
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
        </select>
      </label>
      <label>
        Outcome
        <select name="outcome">
          <option value="">any</option>
          {DISPLAY_OUTCOMES.map((o) => (
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
          page.rows.map((row) => <EventRowView row={row} />)
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
