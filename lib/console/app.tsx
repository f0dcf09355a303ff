/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The console: a Hono app under /console/, server-rendered with hono/jsx, over the ports in ConsoleDeps.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Context, Hono } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import { redriveDlq } from '../dlq/dlq-tools.ts';
import { SCRIPT, STYLESHEET } from './assets.ts';
import { readDeadLetters, redriveFlash, redriveMessages } from './dead-letters.ts';
import type { ConsoleDeps } from './deps.ts';
import { eventRoutes } from './event-routes.tsx';
import type { EventFilters } from './events-query.ts';
import { feedTicker } from './events-stream.tsx';
import { queryFeed, SYNC_RUN_WINDOW, syncOutcome } from './feed.ts';
import { BASE, href } from './layout.tsx';
import { DeadLettersPage, type QueueLetters } from './pages/dead-letters.tsx';
import { EventsPage } from './pages/events.tsx';
import { NotFound } from './pages/not-found.tsx';
import { PlaygroundPage } from './pages/playground.tsx';
import { QueueTable, StatusPage } from './pages/status.tsx';
import { SyncRunPage } from './pages/sync-run.tsx';
import { timeline, UserPage } from './pages/user.tsx';
import { runPlayground } from './playground.ts';
import { accessGuard, newSecret } from './security.ts';
import { callStats, DepthHistory, queueStats } from './status-figures.ts';

export interface ConsoleApp {
  app: Hono;
  /** The CSRF token forms carry (tests post with it). */
  csrfToken: string;
  /**
   * Ends every live stream and resolves once they have ended. Call it before closing the HTTP server: a server
   * waits for open connections, and an event stream stays open for as long as the page does.
   */
  endStreams(): Promise<void>;
}

export function createConsoleApp(deps: ConsoleDeps): ConsoleApp {
  const csrf = newSecret();
  const now = deps.now ?? (() => new Date());
  const pollMs = deps.livePollMs ?? 1_000;
  const depth = new DepthHistory();
  const ending = new AbortController();
  const streams = new Set<Promise<void>>();
  /** Runs one live stream's loop until the page goes away or the console stops. */
  const live = (c: Context, tick: (stream: SSEStreamingApi) => Promise<void>) =>
    streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      const run = (async () => {
        while (open && !ending.signal.aborted) {
          await tick(stream);
          await pause(pollMs, ending.signal);
        }
      })();
      streams.add(run);
      try {
        await run;
      } finally {
        streams.delete(run);
      }
    });
  // Not strict: `/console` and `/console/` are the same page.
  const app = new Hono({ strict: false }).basePath(BASE);

  app.use('*', accessGuard({ ...(deps.token ? { token: deps.token } : {}), csrfToken: csrf }));

  app.get('/assets/console.css', (c) =>
    c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  app.get('/assets/console.js', (c) =>
    c.body(SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }),
  );

  const readFilters = (query: (name: string) => string | undefined): EventFilters => {
    const filters: EventFilters = {};
    for (const key of ['source', 'outcome', 'user', 'q'] as const) {
      const value = query(key)?.trim();
      if (value) filters[key] = value;
    }
    return filters;
  };

  app.get('/', async (c) => {
    const filters = readFilters((k) => c.req.query(k));
    const page = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const result = await queryFeed(deps.trail, filters, page);
    const sources = [...deps.rules().sources.keys()].sort();
    // Only the first page grows live: older pages stay still while someone reads them.
    const streamUrl =
      page === 1 ? href('/events/stream', { ...filters, after: now().toISOString() }) : undefined;
    return c.html(<EventsPage page={result} filters={filters} sources={sources} streamUrl={streamUrl} />);
  });

  app.get('/events/stream', (c) => {
    const after = new Date(c.req.query('after') ?? now().toISOString());
    return live(
      c,
      feedTicker(
        deps.trail,
        readFilters((k) => c.req.query(k)),
        Number.isNaN(after.getTime()) ? now() : after,
      ),
    );
  });

  eventRoutes(app, deps, csrf);

  app.get('/sync-runs/:id', async (c) => {
    const id = c.req.param('id');
    // Runs are few (a schedule's worth a day): the newest window holds any run still worth opening.
    const run = (await deps.trail.listSyncRuns({ limit: SYNC_RUN_WINDOW })).find((r) => r.runId === id);
    if (!run) return c.html(<NotFound what={`No sync run ${id} in the trail`} />, 404);
    const until = run.finishedAt ?? now().toISOString();
    const attempts = (
      await deps.trail.listAttempts({
        principal: `sync:${run.name}`,
        since: new Date(run.startedAt),
        limit: 500,
      })
    )
      .filter((a) => a.at <= until)
      .reverse();
    return c.html(<SyncRunPage run={run} outcome={syncOutcome(run)} attempts={attempts} />);
  });

  app.get('/users', async (c) => {
    const id = c.req.query('id')?.trim();
    if (!id) return c.redirect(href('/', {}), 303);
    const [intakes, attempts] = await Promise.all([
      deps.trail.listIntakes({ userId: id, limit: 200 }),
      deps.trail.listAttempts({ userId: id, limit: 500 }),
    ]);
    let state: Parameters<typeof UserPage>[0]['state'] = 'unavailable';
    if (deps.userState) {
      try {
        state = await deps.userState(id);
      } catch (error) {
        state = { error: (error as Error).message };
      }
    }
    return c.html(<UserPage userId={id} entries={timeline(intakes, attempts)} state={state} />);
  });

  app.get('/dead-letters', async (c) => {
    const queues: QueueLetters[] = [];
    for (const pair of deps.queues) {
      try {
        queues.push({ queue: pair.name, groups: await readDeadLetters(pair.dlq) });
      } catch (error) {
        queues.push({ queue: pair.name, groups: [], error: (error as Error).message });
      }
    }
    return c.html(
      <DeadLettersPage queues={queues} csrf={csrf} flash={redriveFlash(c.req.query(), deps.queues)} />,
    );
  });

  app.post('/dead-letters/redrive', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const pair = deps.queues.find((q) => q.name === form.queue);
    if (!pair) return c.text('unknown queue', 400);
    const ids = new Set([form.id ?? []].flat().filter((v): v is string => typeof v === 'string'));
    // The page after the redirect states the result from numbers only: a link cannot make it say anything else.
    if (form.scope === 'reason' && typeof form.reason === 'string') {
      const result = await redriveDlq({ dlq: pair.dlq, main: pair.main, filter: { reason: form.reason } });
      return c.redirect(href('/dead-letters', { moved: result.moved, queue: pair.name }), 303);
    }
    const moved = ids.size > 0 ? await redriveMessages(pair.dlq, pair.main, ids) : 0;
    return c.redirect(href('/dead-letters', { moved, of: ids.size, queue: pair.name }), 303);
  });

  const samples = async (): Promise<{ source: string; file: string }[]> => {
    if (!deps.samplesDir) return [];
    const found: { source: string; file: string }[] = [];
    const dirs = await readdir(deps.samplesDir, { withFileTypes: true }).catch(() => []);
    for (const dir of dirs.filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const files = await readdir(join(deps.samplesDir, dir.name)).catch(() => []);
      for (const file of files.filter((f) => f.endsWith('.json')).sort())
        found.push({ source: dir.name, file });
    }
    return found;
  };

  app.get('/playground', async (c) => {
    const list = await samples();
    const chosen = list.find((s) => `${s.source}/${s.file}` === c.req.query('sample'));
    // Only files from the listing are read, so the query cannot name a path of its own.
    const payload =
      chosen && deps.samplesDir
        ? await readFile(join(deps.samplesDir, chosen.source, chosen.file), 'utf8')
        : '';
    const sources = [...deps.rules().sources.keys()].sort();
    return c.html(
      <PlaygroundPage
        sources={sources}
        source={chosen?.source ?? c.req.query('source')}
        {...(chosen ? { sample: `${chosen.source}/${chosen.file}` } : {})}
        samples={list}
        payload={payload}
        csrf={csrf}
      />,
    );
  });

  app.post('/playground', async (c) => {
    const form = await c.req.parseBody();
    const rules = deps.rules();
    const sourceName = typeof form.source === 'string' ? form.source : '';
    const payload = typeof form.payload === 'string' ? form.payload : '';
    const source = rules.get(sourceName);
    const result = source
      ? await runPlayground(source, payload, now())
      : { ok: false as const, error: `No source "${sourceName}" in the loaded rules.` };
    return c.html(
      <PlaygroundPage
        sources={[...rules.sources.keys()].sort()}
        source={sourceName}
        samples={await samples()}
        payload={payload}
        result={result}
        csrf={csrf}
      />,
    );
  });

  const queueSnapshot = async () => {
    const stats = await queueStats(deps.queues, now());
    const waiting = stats.reduce(
      (sum, q) => sum + (q.name.endsWith('-dlq') ? 0 : (q.visible ?? 0) + (q.inFlight ?? 0)),
      0,
    );
    depth.record(now().getTime(), waiting);
    return stats;
  };

  app.get('/status', async (c) => {
    const [stats, calls, info, syncRuns] = await Promise.all([
      queueSnapshot(),
      callStats(deps.trail, now()),
      Promise.resolve(deps.status()),
      deps.trail.listSyncRuns({ limit: 10 }),
    ]);
    return c.html(
      <StatusPage
        stats={stats}
        depth={depth.samples()}
        calls={calls}
        info={info}
        rules={deps.rules()}
        syncRuns={syncRuns}
        streamUrl={href('/status/stream', {})}
      />,
    );
  });

  app.get('/status/stream', (c) =>
    live(c, async (stream) => {
      const stats = await queueSnapshot();
      await stream.writeSSE({
        event: 'replace',
        data: (<QueueTable stats={stats} depth={depth.samples()} />).toString(),
      });
    }),
  );

  app.notFound((c) => c.html(<NotFound what="No such page" />, 404));
  app.onError((error, c) => c.html(<NotFound what={`Something went wrong: ${error.message}`} />, 500));
  return {
    app,
    csrfToken: csrf,
    endStreams: async () => {
      ending.abort();
      await Promise.allSettled([...streams]);
    },
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
