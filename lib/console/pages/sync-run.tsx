/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// One sync run: how it ended, what it counted, and the Userflow calls its commands made while it ran.
import type { FC } from 'hono/jsx';
import type { AttemptRecord, SyncRunRecord } from '../../trail/index.ts';
import { Badge, formatTime, href, Page } from '../layout.tsx';
import { AttemptTable } from './event-detail.tsx';

export const SyncRunPage: FC<{ run: SyncRunRecord; outcome: string; attempts: AttemptRecord[] }> = ({
  run,
  outcome,
  attempts,
}) => (
  <Page title={`Sync run ${run.runId}`} section="events">
    <p>
      <a href={href('/', {})}>← Events</a>
    </p>
    <h1>
      sync {run.name} · <span class="mono">{run.runId}</span> <Badge outcome={outcome} />
    </h1>
    <div class="grid2">
      <section class="card" aria-labelledby="run-h">
        <h2 id="run-h">Run</h2>
        <dl class="kv">
          <dt>Sync</dt>
          <dd>{run.name}</dd>
          <dt>Started</dt>
          <dd>{formatTime(run.startedAt)}</dd>
          <dt>Finished</dt>
          <dd>{run.finishedAt ? formatTime(run.finishedAt) : 'still running'}</dd>
          <dt>Outcome</dt>
          <dd>{run.outcome}</dd>
          {run.error ? (
            <>
              <dt>Error</dt>
              <dd>{run.error}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section class="card" aria-labelledby="counts-h">
        <h2 id="counts-h">Counts</h2>
        {Object.keys(run.counts).length === 0 ? (
          <p class="note">No counts recorded.</p>
        ) : (
          <table aria-label="Sync counts">
            <tbody>
              {Object.entries(run.counts).map(([name, value]) => (
                <tr>
                  <th scope="row">{name}</th>
                  <td class="mono">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
    <section class="card" aria-labelledby="calls-h">
      <h2 id="calls-h">Userflow calls of this sync while the run lasted</h2>
      <p class="note">
        Deliveries of the commands any run of {run.name} queued, made between its start and its end (or now).
      </p>
      {attempts.length === 0 ? (
        <p class="note">None yet.</p>
      ) : (
        <AttemptTable attempts={attempts} showCommand />
      )}
    </section>
  </Page>
);
