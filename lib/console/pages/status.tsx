/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The status page: queues, Userflow calls against the ceiling, the target, and the rule files in force.
import type { FC } from 'hono/jsx';
import { rateText as perSecond } from '../../budget/rate-text.ts';
import type { RuleSet } from '../../rules/index.ts';
import type { SyncRunRecord } from '../../trail/index.ts';
import type { StatusInfo } from '../deps.ts';
import { Badge, formatTime, Page } from '../layout.tsx';
import type { CallStats, QueueStat } from '../status-figures.ts';
import { CallsChart, DepthChart } from './charts.tsx';

export const QueueTable: FC<{ stats: QueueStat[]; depth: readonly { at: number; depth: number }[] }> = ({
  stats,
  depth,
}) => (
  <>
    <table aria-label="Queues">
      <thead>
        <tr>
          <th scope="col">Queue</th>
          <th scope="col">Waiting</th>
          <th scope="col">In flight</th>
          <th scope="col">Oldest message</th>
        </tr>
      </thead>
      <tbody>
        {stats.map((q) => (
          <tr data-queue={q.name}>
            <th scope="row" class="mono">
              {q.name}
            </th>
            {q.error ? (
              <td colspan={3} class="error">
                {q.error}
              </td>
            ) : (
              <>
                <td data-depth>{q.visible ?? '?'}</td>
                <td>{q.inFlight ?? '?'}</td>
                <td>{q.oldestAgeSeconds === undefined ? '—' : age(q.oldestAgeSeconds)}</td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
    <h3>Messages waiting, over time</h3>
    <DepthChart samples={depth} />
  </>
);

export const StatusPage: FC<{
  stats: QueueStat[];
  depth: readonly { at: number; depth: number }[];
  calls: CallStats;
  info: StatusInfo;
  rules: RuleSet;
  syncRuns: SyncRunRecord[];
  streamUrl: string;
}> = ({ stats, depth, calls, info, rules, syncRuns, streamUrl }) => (
  <Page title="Status" section="status">
    <h1>
      Status{' '}
      <span class="live" id="status-live" aria-live="polite">
        connecting…
      </span>
    </h1>
    <div class="grid2">
      <section class="card" aria-labelledby="queues-h">
        <h2 id="queues-h">Queues</h2>
        <div id="queues" data-live={streamUrl} data-live-status="status-live">
          <QueueTable stats={stats} depth={depth} />
        </div>
      </section>
      <section class="card" aria-labelledby="calls-h">
        <h2 id="calls-h">Userflow calls</h2>
        <dl class="kv">
          <dt>Rate, last 5 min</dt>
          <dd>
            {`${calls.last5.perSecond}/s`}
            {info.rateLimitPerSecond ? ` of a ${info.rateLimitPerSecond}/s ceiling` : ''}
          </dd>
          {info.budget ? (
            <>
              <dt>Budget rate now</dt>
              <dd data-budget-rate="true">{`${perSecond(info.budget.ratePerSecond)}/s`}</dd>
              <dt>Last 429 at</dt>
              <dd>
                {info.budget.lastThrottleRate === undefined
                  ? 'none yet'
                  : `${perSecond(info.budget.lastThrottleRate)}/s (${info.budget.throttles} cut${info.budget.throttles === 1 ? '' : 's'})`}
              </dd>
            </>
          ) : null}
          <dt>429s, last 5 min</dt>
          <dd>{calls.last5.throttled}</dd>
          <dt>Retries, last 5 min</dt>
          <dd>{calls.last5.retries}</dd>
        </dl>
        <h3>Calls per minute (red: 429)</h3>
        <CallsChart buckets={calls.buckets} />
        {calls.truncated ? <p class="note">More attempts than were read: counts are a floor.</p> : null}
      </section>
      <section class="card" aria-labelledby="target-h">
        <h2 id="target-h">Target</h2>
        <dl class="kv">
          <dt>Userflow</dt>
          <dd>
            {info.target.mode === 'sandbox'
              ? 'the local sandbox'
              : info.target.mode === 'api'
                ? 'the real Userflow API'
                : 'not known to this console'}
          </dd>
          {info.target.url ? (
            <>
              <dt>URL</dt>
              <dd>{info.target.url}</dd>
            </>
          ) : null}
          {info.target.region ? (
            <>
              <dt>Region</dt>
              <dd>{info.target.region}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section class="card" aria-labelledby="rules-h">
        <h2 id="rules-h">Rule files{info.rulesDir ? ` in ${info.rulesDir}` : ''}</h2>
        {info.rulesError ? (
          <div class="error" role="alert">
            <p>The last rule-file change did not load; the last good rules stay in force:</p>
            <pre>{info.rulesError}</pre>
          </div>
        ) : null}
        <table aria-label="Rule files">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">File</th>
              <th scope="col">Rules</th>
            </tr>
          </thead>
          <tbody>
            {[...rules.sources.values()].map((s) => (
              <tr>
                <td>{s.name}</td>
                <td class="mono">{s.file}</td>
                <td>{s.rules.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
    <section class="card" aria-labelledby="sync-h">
      <h2 id="sync-h">Sync runs</h2>
      {syncRuns.length === 0 ? (
        <p class="note">No sync runs in the trail.</p>
      ) : (
        <table aria-label="Sync runs">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Sync</th>
              <th scope="col">Outcome</th>
              <th scope="col">Counts</th>
            </tr>
          </thead>
          <tbody>
            {syncRuns.map((run) => (
              <tr>
                <td class="mono">{formatTime(run.startedAt)}</td>
                <td>{run.name}</td>
                <td>
                  <Badge outcome={run.finishedAt ? run.outcome : 'running'} />
                  {run.error ? <span class="note">{` ${run.error}`}</span> : null}
                </td>
                <td class="mono">
                  {Object.entries(run.counts)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  </Page>
);

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
