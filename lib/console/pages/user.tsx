/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// One user's timeline across origins (webhooks, syncs, direct calls) and their Userflow state now.
import type { FC } from 'hono/jsx';
import type { AttemptRecord, IntakeRecord } from '../../trail/index.ts';
import type { UserState } from '../deps.ts';
import { Badge, formatTime, href, JsonTree, Page } from '../layout.tsx';

export type TimelineEntry = { at: string } & (
  | { kind: 'intake'; intake: IntakeRecord }
  | { kind: 'attempt'; attempt: AttemptRecord }
);

/** Newest first; an attempt and the intake that caused it sit apart, each at its own time. */
export function timeline(
  intakes: readonly IntakeRecord[],
  attempts: readonly AttemptRecord[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...intakes.map((intake) => ({ kind: 'intake' as const, at: intake.receivedAt, intake })),
    ...attempts.map((attempt) => ({ kind: 'attempt' as const, at: attempt.at, attempt })),
  ];
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

export const UserPage: FC<{
  userId: string;
  entries: TimelineEntry[];
  state: UserState | undefined | 'unavailable' | { error: string };
}> = ({ userId, entries, state }) => (
  <Page title={`User ${userId}`} section="users">
    <h1>
      User <span class="mono">{userId}</span>
    </h1>
    <section class="card" aria-labelledby="state-h">
      <h2 id="state-h">In Userflow now</h2>
      {state === 'unavailable' ? (
        <p class="note">No Userflow client is configured for this console (set USERFLOW_API_KEY).</p>
      ) : state === undefined ? (
        <p>Userflow has no user with this id.</p>
      ) : 'error' in state ? (
        <p class="error">{`Could not read the user from Userflow: ${state.error}`}</p>
      ) : (
        <div class="grid2">
          <div>
            <h3>Attributes</h3>
            <JsonTree value={state.attributes} />
          </div>
          <div>
            <h3>Groups</h3>
            {state.groups.length === 0 ? (
              <p class="note">No group memberships.</p>
            ) : (
              <ul aria-label="Groups">
                {state.groups.map((g) => (
                  <li class="mono">{g}</li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
    <h2>Timeline</h2>
    <table aria-label="Timeline">
      <thead>
        <tr>
          <th scope="col">At</th>
          <th scope="col">What</th>
          <th scope="col">Origin</th>
          <th scope="col">Detail</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {entries.length === 0 ? (
          <tr>
            <td colspan={5} class="note">
              Nothing in the trail about this user.
            </td>
          </tr>
        ) : null}
        {entries.map((entry) =>
          entry.kind === 'intake' ? (
            <tr>
              <td class="mono">{formatTime(entry.at)}</td>
              <td>webhook received</td>
              <td>{`webhook:${entry.intake.source}`}</td>
              <td class="mono">
                <a href={href(`/events/${encodeURIComponent(entry.intake.requestId)}`, {})}>
                  {entry.intake.eventIds[0] ?? entry.intake.requestId}
                </a>
                {` ${entry.intake.events.map((e) => e.type ?? '').join(' ')}`}
              </td>
              <td>
                <Badge outcome={entry.intake.outcome} />
              </td>
            </tr>
          ) : (
            <tr>
              <td class="mono">{formatTime(entry.at)}</td>
              <td>{`Userflow ${entry.attempt.action}`}</td>
              <td>{entry.attempt.origin ?? entry.attempt.principal ?? '—'}</td>
              <td class="mono">
                {entry.attempt.status ?? ''} {entry.attempt.groupId ? `group ${entry.attempt.groupId}` : ''}
                {entry.attempt.reason ? ` ${entry.attempt.reason}` : ''}
              </td>
              <td>
                <Badge outcome={entry.attempt.outcome} />
              </td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  </Page>
);
