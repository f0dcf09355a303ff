/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Dead letters per queue, grouped by reason, each with its body and why; redrive the chosen ones or a reason's all.
import type { FC } from 'hono/jsx';
import type { ReasonGroup } from '../dead-letters.ts';
import { Badge, Csrf, Flash, formatTime, href, Page } from '../layout.tsx';

export interface QueueLetters {
  queue: string;
  groups: ReasonGroup[];
  error?: string;
}

export const DeadLettersPage: FC<{ queues: QueueLetters[]; csrf: string; flash?: string }> = (props) => (
  <Page title="Dead letters" section="dead-letters">
    <h1>Dead letters</h1>
    <Flash message={props.flash} />
    {props.queues.length === 0 ? <p class="note">No queues are configured for this console.</p> : null}
    {props.queues.map((q) => (
      <section aria-label={`Queue ${q.queue}`}>
        <h2>{`${q.queue} DLQ`}</h2>
        {q.error ? <p class="error">{q.error}</p> : null}
        {q.groups.length === 0 && !q.error ? <p class="note">Empty: nothing is dead.</p> : null}
        {q.groups.map((group) => (
          <div class="card" data-reason={group.reason}>
            <h3>
              <Badge outcome="dead_lettered" /> <span class="mono">{group.reason}</span>
              {` · ${group.letters.length} message${group.letters.length === 1 ? '' : 's'}`}
            </h3>
            <form method="post" action={href('/dead-letters/redrive', {})}>
              <Csrf token={props.csrf} />
              <input type="hidden" name="queue" value={q.queue} />
              <input type="hidden" name="reason" value={group.reason} />
              <table aria-label={`Dead letters with reason ${group.reason}`}>
                <thead>
                  <tr>
                    <th scope="col">
                      <label>
                        <input type="checkbox" data-check-all="id" aria-label="Select all of this reason" />
                      </label>
                    </th>
                    <th scope="col">Failed</th>
                    <th scope="col">Source</th>
                    <th scope="col">Command</th>
                    <th scope="col">Status</th>
                    <th scope="col">Error</th>
                    <th scope="col">Body</th>
                  </tr>
                </thead>
                <tbody>
                  {group.letters.map(({ message, why }) => (
                    <tr>
                      <td>
                        <input
                          type="checkbox"
                          name="id"
                          value={message.messageId}
                          aria-label={`Select ${why.commandId ?? message.messageId}`}
                        />
                      </td>
                      <td class="mono">
                        {formatTime(why.failedAt ?? new Date(message.sentAt).toISOString())}
                      </td>
                      <td>{why.source ?? '—'}</td>
                      <td class="mono">
                        {why.commandType ?? ''}
                        {why.rule ? ` (${why.rule})` : ''}
                        <br />
                        {why.commandId ? (
                          <a href={href(`/events/${encodeURIComponent(why.commandId)}`, {})}>
                            {why.commandId}
                          </a>
                        ) : null}
                      </td>
                      <td class="mono">{why.status ?? '—'}</td>
                      <td>{why.error ?? ''}</td>
                      <td>
                        <details>
                          <summary>{`${message.body.length} bytes`}</summary>
                          <pre>{prettyBody(message.body)}</pre>
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p>
                <button type="submit" name="scope" value="selected">
                  Redrive selected
                </button>{' '}
                <button type="submit" name="scope" value="reason" class="secondary">
                  {`Redrive all ${group.letters.length} with reason ${group.reason}`}
                </button>
              </p>
            </form>
          </div>
        ))}
      </section>
    ))}
  </Page>
);

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
