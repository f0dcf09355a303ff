/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The rules playground: a source, a payload (pasted or a shipped sample), and what `rules test` would say.
import type { FC } from 'hono/jsx';
import { Csrf, href, Page } from '../layout.tsx';
import type { PlaygroundResult } from '../playground.ts';

export interface PlaygroundProps {
  sources: string[];
  source: string | undefined;
  /** The sample loaded into the payload box, `<source>/<file>`. */
  sample?: string;
  samples: { source: string; file: string }[];
  payload: string;
  result?: PlaygroundResult;
  csrf: string;
}

export const PlaygroundPage: FC<PlaygroundProps> = (props) => (
  <Page title="Rules playground" section="playground">
    <h1>Rules playground</h1>
    <p class="note">
      Runs a payload through the loaded rules, as <code>userflow-bridge rules test</code> does: no signature
      needed, nothing is queued or sent.
    </p>
    <div class="grid2">
      <div>
        <form method="get" action={href('/playground', {})} class="filters" aria-label="Pick a sample">
          <label>
            Sample
            <select name="sample">
              {props.samples.map((s) => (
                <option value={`${s.source}/${s.file}`} selected={props.sample === `${s.source}/${s.file}`}>
                  {`${s.source}/${s.file}`}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="secondary">
            Load sample
          </button>
        </form>
        <form method="post" action={href('/playground', {})} aria-label="Test a payload">
          <Csrf token={props.csrf} />
          <p class="filters">
            <label>
              Source
              <select name="source">
                {props.sources.map((s) => (
                  <option value={s} selected={props.source === s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
          </p>
          <label>
            Payload (JSON)
            <textarea name="payload" spellcheck={false}>
              {props.payload}
            </textarea>
          </label>
          <p>
            <button type="submit">Test</button>
          </p>
        </form>
      </div>
      <section aria-labelledby="result-h" aria-live="polite">
        <h2 id="result-h">Result</h2>
        {!props.result ? <p class="note">Pick a sample or paste a payload, then Test.</p> : null}
        {props.result && !props.result.ok ? <p class="error">{props.result.error}</p> : null}
        {props.result?.ok ? (
          <>
            {props.result.notes.map((n) => (
              <p class="note">{`(${n})`}</p>
            ))}
            {props.result.events.map((e) => (
              <div class="card">
                <h3 class="mono">{`event ${e.id}${e.type ? ` (${e.type})` : ''}:`}</h3>
                <pre class="explanation">{e.lines.join('\n')}</pre>
              </div>
            ))}
            <h3>{`Commands (${props.result.envelopes.length})`}</h3>
            <table aria-label="Commands">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Command</th>
                  <th scope="col">User</th>
                  <th scope="col">Group</th>
                </tr>
              </thead>
              <tbody>
                {props.result.envelopes.map((envelope) => {
                  const command = envelope.command as { type: string; user_id?: string; group_id?: string };
                  return (
                    <tr data-command-type={command.type}>
                      <td class="mono">{envelope.rule}</td>
                      <td class="mono">{command.type}</td>
                      <td class="mono">{command.user_id ?? ''}</td>
                      <td class="mono">{command.group_id ?? ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <details>
              <summary>Envelopes as JSON (what `rules test` prints on stdout)</summary>
              <pre>{JSON.stringify(props.result.envelopes, null, 2)}</pre>
            </details>
          </>
        ) : null}
      </section>
    </div>
  </Page>
);
