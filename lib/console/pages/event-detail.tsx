/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// One trail record's story: the request, each rule's decision, each command and every Userflow attempt.
import type { FC } from 'hono/jsx';
import type { AttemptRecord, IntakeRecord, TrailBody } from '../../trail/index.ts';
import type { ReplayResult } from '../deps.ts';
import { Badge, Csrf, Flash, formatTime, href, JsonTree, Page } from '../layout.tsx';
import type { DisplayOutcome } from '../outcome.ts';

export interface EventDetailProps {
  intake: IntakeRecord;
  outcome: DisplayOutcome;
  attempts: AttemptRecord[];
  replayAvailable: boolean;
  /** A dry run's result, shown with the button that queues it for real. */
  preview?: ReplayResult;
  /** The event the preview is of. */
  eventId?: string;
  /** Why the replay was refused (body not stored, no verified event). */
  replayError?: string;
  flash?: string;
  csrf: string;
}

export const EventDetailPage: FC<EventDetailProps> = (props) => {
  const { intake } = props;
  const path = `/events/${encodeURIComponent(intake.requestId)}`;
  return (
    <Page title={`Event ${intake.eventIds[0] ?? intake.requestId}`} section="events">
      <p>
        <a href={href('/', {})}>← Events</a>
      </p>
      <h1>
        {intake.source} · <span class="mono">{intake.eventIds.join(', ') || intake.requestId}</span>{' '}
        <Badge outcome={props.outcome} />
      </h1>
      <Flash message={props.flash} />
      <div class="grid2">
        <section class="card" aria-labelledby="request-h">
          <h2 id="request-h">Request</h2>
          <dl class="kv">
            <dt>Request id</dt>
            <dd>{intake.requestId}</dd>
            <dt>Received</dt>
            <dd>{formatTime(intake.receivedAt)}</dd>
            <dt>Answered</dt>
            <dd>
              {intake.status} {intake.outcome}
              {intake.errorCode && intake.errorCode !== intake.outcome ? ` (${intake.errorCode})` : ''}
            </dd>
          </dl>
          <h2>Headers</h2>
          <dl class="kv">
            {Object.entries(intake.headers).map(([name, value]) => (
              <>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </>
            ))}
          </dl>
          <p class="note">Signature, authorization and cookie headers are never stored.</p>
        </section>
        <section class="card" aria-labelledby="body-h">
          <h2 id="body-h">Body</h2>
          <Body body={intake.body} />
        </section>
      </div>
      <ReplayPanel {...props} path={path} />
      {intake.events.map((event) => (
        <section class="card" aria-label={`Event ${event.id}`}>
          <h2>
            Event <span class="mono">{event.id}</span>
            {event.type ? ` (${event.type})` : ''} <Badge outcome={event.outcome} />
          </h2>
          <h3>Rules</h3>
          {event.rules.length === 0 ? (
            <p class="note">No rule decisions recorded.</p>
          ) : (
            <RuleTable label="Rule decisions" rules={event.rules} />
          )}
          <h3>Commands and Userflow attempts</h3>
          {event.commands.length === 0 ? <p class="note">No commands.</p> : null}
          {event.commands.map((command) => {
            const attempts = props.attempts.filter((a) => a.commandId === command.id);
            return (
              <div class="card" data-command={command.id}>
                <p>
                  <strong class="mono">{command.kind}</strong>
                  {command.userId ? (
                    <>
                      {' user '}
                      <a class="mono" href={href('/users', { id: command.userId })}>
                        {command.userId}
                      </a>
                    </>
                  ) : null}
                  {command.groupId ? (
                    <>
                      {' group '}
                      <span class="mono">{command.groupId}</span>
                    </>
                  ) : null}{' '}
                  <span class="note mono">{command.id}</span>
                </p>
                {attempts.length === 0 ? (
                  <p class="note">Not attempted yet (queued, or the trail has no attempt for it).</p>
                ) : (
                  <AttemptTable attempts={attempts} />
                )}
              </div>
            );
          })}
        </section>
      ))}
    </Page>
  );
};

/** Each rule's decision about one event, as recorded or as a replay's dry run would make it. */
const RuleTable: FC<{
  label: string;
  rules: readonly { name: string; decision: string; reason?: string }[];
}> = ({ label, rules }) => (
  <table aria-label={label}>
    <thead>
      <tr>
        <th scope="col">Rule</th>
        <th scope="col">Decision</th>
        <th scope="col">Reason</th>
      </tr>
    </thead>
    <tbody>
      {rules.map((rule) => (
        <tr>
          <td class="mono">{rule.name}</td>
          <td>
            <Badge outcome={rule.decision} />
          </td>
          <td>{rule.reason ?? ''}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

export const AttemptTable: FC<{ attempts: AttemptRecord[]; showCommand?: boolean }> = ({
  attempts,
  showCommand,
}) => (
  <table aria-label="Userflow attempts">
    <thead>
      <tr>
        <th scope="col">At</th>
        {showCommand ? <th scope="col">Action</th> : null}
        <th scope="col">Try</th>
        <th scope="col">Status</th>
        <th scope="col">Latency</th>
        <th scope="col">Outcome</th>
        <th scope="col">Reason</th>
        <th scope="col">Sent</th>
      </tr>
    </thead>
    <tbody>
      {attempts.map((a) => (
        <tr>
          <td class="mono">{formatTime(a.at)}</td>
          {showCommand ? <td class="mono">{a.action}</td> : null}
          <td>{a.attempt}</td>
          <td class="mono">{a.status ?? '—'}</td>
          <td>{`${a.latencyMs} ms`}</td>
          <td>
            <Badge outcome={a.outcome} />
          </td>
          <td>{[a.reason, a.userflowCode, coalescedNote(a)].filter(Boolean).join(' · ')}</td>
          <td>{a.request ? <JsonTree value={a.request} name="body" depth={2} /> : null}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

/** One call delivered several consecutive upserts: say which, so neither row looks like a lost call. */
function coalescedNote(a: AttemptRecord): string | undefined {
  if (a.deliveredBy) return `delivered by the call of ${a.deliveredBy}`;
  const n = a.alsoDelivers?.length ?? 0;
  return n > 0 ? `this call also delivered ${n} later command${n === 1 ? '' : 's'}` : undefined;
}

const Body: FC<{ body: TrailBody }> = ({ body }) => {
  if (!body.stored) {
    return (
      <p class="note">
        {`Not stored (${body.reason.replace('_', ' ')}), ${body.size} bytes`}
        {body.sha256 ? <span class="mono">{`, sha256 ${body.sha256}`}</span> : null}
      </p>
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    return <pre>{body.text}</pre>;
  }
  return (
    <>
      <JsonTree value={parsed} />
      <details>
        <summary>Raw ({body.size} bytes)</summary>
        <pre>{JSON.stringify(parsed, null, 2)}</pre>
      </details>
    </>
  );
};

const ReplayPanel: FC<EventDetailProps & { path: string }> = (props) => {
  const { intake, preview } = props;
  // Only a verified event with its body kept can be replayed: a refused request has none.
  const reason = !props.replayAvailable
    ? 'Replay is not available in this console: it has no queue to replay onto.'
    : intake.events.length === 0
      ? `This request was ${intake.errorCode ?? intake.outcome}: it holds no verified event to replay.`
      : !intake.body.stored
        ? 'The body was not stored, so this event cannot be replayed.'
        : undefined;
  const action = href(`${props.path}/replay`, {});
  return (
    <section class="card" aria-labelledby="replay-h">
      <h2 id="replay-h">Replay</h2>
      <Flash message={props.replayError} error />
      {preview ? (
        <>
          <p role="status">
            {`Dry run under the current rules: replaying event ${props.eventId ?? ''} would queue ${preview.commands.length} command${preview.commands.length === 1 ? '' : 's'}. Nothing is queued yet.`}
          </p>
          <RuleTable label="Replay rule decisions" rules={preview.rules} />
          <ul aria-label="Replay commands">
            {preview.commands.map((c) => (
              <li class="mono">{[c.kind, c.userId, c.groupId].filter(Boolean).join(' ')}</li>
            ))}
          </ul>
          <form method="post" action={action}>
            <Csrf token={props.csrf} />
            <input type="hidden" name="event" value={props.eventId ?? ''} />
            <input type="hidden" name="confirm" value="1" />
            <button type="submit" disabled={preview.commands.length === 0}>
              Queue the replay
            </button>{' '}
            <a href={href(props.path, {})}>Cancel</a>
          </form>
        </>
      ) : (
        <form method="post" action={action}>
          <Csrf token={props.csrf} />
          {intake.events.length > 1 ? (
            <label>
              Event{' '}
              <select name="event">
                {intake.events.map((e) => (
                  <option value={e.id}>{e.id}</option>
                ))}
              </select>{' '}
            </label>
          ) : (
            <input type="hidden" name="event" value={intake.events[0]?.id ?? ''} />
          )}
          <button type="submit" disabled={reason !== undefined}>
            Replay (dry run first)
          </button>
          {reason ? <p class="note">{reason}</p> : null}
        </form>
      )}
    </section>
  );
};
