// The whole bridge in one process: ingest over HTTP, the queues, one poller per queue, and Userflow (or its sandbox).
import { localEnv } from '../config/dotenv.ts';
import type { Env } from '../config/read-env.ts';
import { jsonlAuditSink } from '../deliver/index.ts';
import { displayHost, serve } from '../http-server.ts';
import { SqlitePersistenceLayer } from '../idempotency/sqlite-persistence-layer.ts';
import { createIngestApp } from '../ingest/index.ts';
import { createLogger, type LoggerOptions } from '../logger.ts';
import { loadRules, type RuleSet } from '../rules/index.ts';
import type { UserflowRegion } from '../userflow/index.ts';
import { type Print, printingAuditSink, webhookActivity } from './activity.ts';
import { bannerInput, formatBanner } from './banner.ts';
import { budgetStatusReporter } from './budget-status.ts';
import { mountConsole } from './console-mount.ts';
import { type RateBudget, startConsumers } from './consumers.ts';
import { readDeliverTuning } from './deliver-tuning.ts';
import { secureLocalDir, startLayout } from './layout.ts';
import { openLocalBudget } from './local-budget.ts';
import { type LocalQueuesOptions, openLocalQueues } from './local-queues.ts';
import { startLocalWatches } from './local-watches.ts';
import { mountMcp } from './mcp-route.ts';
import { createReadableLogger, shownByLiveLines } from './readable-logger.ts';
import { watchRules } from './rules-watcher.ts';
import { sampleSendCommand } from './sample-command.ts';
import { openLocalTrail } from './trail.ts';
import { openUserflowTarget, type SandboxSeed } from './userflow-target.ts';
import { createLocalSecrets, printNewSecrets } from './webhook-secrets.ts';

const BUDGET_STATUS_EVERY_MS = 5_000;

export interface BridgeOptions {
  host: string;
  port: number;
  rulesDir: string;
  localDir: string;
  envFile: string;
  queue: Omit<LocalQueuesOptions, 'queueDb' | 'env'>;
  budget: RateBudget;
  visibilityTimeoutSeconds: number;
  sandbox: { host: string; port: number; seed: SandboxSeed; force: boolean };
  region?: UserflowRegion;
  /** The origin senders call when a tunnel or proxy is in front (HubSpot signs the full URL). */
  publicUrl?: string;
  watch: boolean;
  /** No activity lines (the banner and problems are still printed). */
  quiet: boolean;
  logLevel: NonNullable<LoggerOptions['level']>;
  /** JSON log lines (`--log-level` given); otherwise warnings and errors print as readable lines. */
  structuredLogs?: boolean;
  /** The process environment (`.env` is read from `envFile` under it). */
  env: Env;
  /** Working directory: where `samples/` are looked for. */
  cwd: string;
  print: Print;
  printProblem: Print;
  /** How long stopping waits for in-flight batches before returning them to the queue (default 3 s). */
  stopTimeoutMs?: number;
}

export interface RunningBridge {
  /** `http://127.0.0.1:N`. */
  ingestUrl: string;
  banner: string;
  /** Stops accepting webhooks, stops the pollers (in-flight batches finished or returned), closes everything. */
  stop(): Promise<void>;
}

/** Sandbox unless a Userflow API key is configured (and the sandbox is not forced). */
export function userflowMode(env: Env, forceSandbox: boolean): 'sandbox' | 'api' {
  return env.USERFLOW_API_KEY?.trim() && !forceSandbox ? 'api' : 'sandbox';
}

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const closers: { name: string; close: () => unknown }[] = [];
  const closeAll = async () => {
    for (const { name, close } of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        options.printProblem(`while stopping ${name}: ${(error as Error).message}`);
      }
    }
    closers.length = 0;
  };
  try {
    return await start(options, closers, closeAll);
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function start(
  options: BridgeOptions,
  closers: { name: string; close: () => unknown }[],
  closeAll: () => Promise<void>,
): Promise<RunningBridge> {
  const env = localEnv(options.env, options.envFile);
  const layout = startLayout(options.localDir);
  secureLocalDir(layout.dir);
  const rules = await loadRules(options.rulesDir);
  const mode = userflowMode(env, options.sandbox.force);
  const tuning = readDeliverTuning(env);

  // Secrets before anything listens: with a real API key, a missing one stops the start, naming the variable.
  const secrets = createLocalSecrets({
    env,
    ...(mode === 'sandbox' ? { devSecretsPath: layout.devSecrets } : {}),
  });
  const devSecrets = secrets.ensure(rules);

  const target = await openUserflowTarget({
    env,
    forceSandbox: options.sandbox.force,
    ...(options.region ? { region: options.region } : {}),
    timeoutMs: tuning.timeoutMs,
    sandbox: {
      host: options.sandbox.host,
      port: options.sandbox.port,
      seed: options.sandbox.seed,
      snapshotPath: layout.sandboxSnapshot,
      seedPath: layout.sandboxSeed,
    },
  });
  closers.push({ name: 'the Userflow sandbox', close: () => target.close() });

  // Agent tools, watches and the console's user page call Userflow too: each draws on the one budget as its own
  // class, through an opener of the budget file of its own, as another process on this machine would.
  const direct = openLocalBudget({
    file: { path: layout.budgetDb, baseUrl: target.baseUrl, apiKey: target.apiKey },
    ceilingPerSecond: options.budget.limitPerSecond,
    minShares: { sync: options.budget.syncShare },
    onStoreError: (error) => options.printProblem(`budget: ${(error as Error)?.message ?? String(error)}`),
  });
  closers.push({ name: 'the budget', close: () => direct.close() });

  const queues = await openLocalQueues({ ...options.queue, queueDb: layout.queueDb, env });
  closers.push({ name: 'the queues', close: () => queues.close() });

  const stores: SqlitePersistenceLayer[] = [];
  // One store per user (ingest, each consumer), all in one file; every one is closed with the bridge.
  const openIdempotencyStore = (tableName: string) => {
    const store = new SqlitePersistenceLayer({ path: layout.idempotencyDb, tableName });
    stores.push(store);
    return store;
  };
  closers.push({
    name: 'the idempotency store',
    close: () => {
      for (const store of stores) store.close();
    },
  });

  const audit = printingAuditSink(jsonlAuditSink(layout.auditLog), options.quiet ? undefined : options.print);
  closers.push({ name: 'the audit log', close: () => audit.close?.() });
  // Closed after the consumers stop (closers run in reverse): in-flight batches still write their attempts.
  const trail = await openLocalTrail(layout.dir, env, options.printProblem);
  closers.push({ name: 'the event trail', close: () => trail.close() });
  const logger = options.structuredLogs
    ? createLogger({ service: 'userflow-bridge', level: options.logLevel })
    : createReadableLogger({
        service: 'userflow-bridge',
        level: options.logLevel,
        print: options.printProblem,
        ...(options.quiet ? {} : { shownElsewhere: shownByLiveLines }),
      });

  const rulesHealth: { error?: string } = {};
  const watcher = options.watch
    ? watchRules({
        dir: options.rulesDir,
        initial: rules,
        load: loadRules,
        accept: (next) => printNewSecrets(secrets.ensure(next), options.print, layout.devSecrets),
        onReload: (next) => {
          rulesHealth.error = undefined;
          options.print(`rules reloaded: ${describeSources(next)}`);
        },
        onInvalid: (error) => {
          rulesHealth.error = (error as Error).message;
          options.printProblem(
            `rules not reloaded, the last good rules stay in force:\n${(error as Error).message}`,
          );
        },
      })
    : { rules: () => rules, close: () => {} };
  closers.push({ name: 'the rules watcher', close: () => watcher.close() });

  const activity = options.quiet ? undefined : webhookActivity(options.print);
  const ingestIdempotency = openIdempotencyStore('ingest_events');
  const app = createIngestApp({
    rules: watcher.rules,
    secrets: secrets.source,
    queue: queues.webhooks.main,
    idempotency: ingestIdempotency,
    readiness: {
      queue: () => queues.webhooks.main.counts(),
      idempotency: () => ingestIdempotency.ready(),
    },
    logger,
    ...(options.publicUrl ? { publicBaseUrl: options.publicUrl } : {}),
    ...(activity ? { onRequestLog: activity.onRequestLog } : {}),
    // This process outlives each request, so the record is written after the answer, off its latency.
    ...(trail.store ? { trail: trail.store, trailConfig: trail.config, trailInBackground: true } : {}),
  });
  // Runs before the trail is closed (closers run in reverse): the last answered webhooks' records are written.
  closers.push({ name: "the event trail's last records", close: () => app.drainTrail() });
  const served = activity ? activity.wrap(app.fetch) : app.fetch;
  // The console and the agent tools read (and the tools audit into) the trail: without one they are not served,
  // and webhooks still are.
  const consoleMount = trail.store
    ? await mountConsole({
        trail: trail.store,
        trailPath: layout.trailDb,
        queues,
        rules: watcher.rules,
        rulesError: () => rulesHealth.error,
        rulesDir: options.rulesDir,
        target,
        budget: direct,
        ...(options.region ? { region: options.region } : {}),
        limitPerSecond: options.budget.limitPerSecond,
        host: options.host,
        cwd: options.cwd,
      })
    : undefined;
  const mcp = trail.store
    ? await mountMcp({
        localDir: layout.dir,
        client: target.client.withGate(direct.gate('agent')),
        queues,
        rules: watcher.rules,
        trail: trail.store,
      })
    : undefined;
  if (consoleMount) closers.push({ name: 'the console', close: () => consoleMount.close() });
  if (mcp) closers.push({ name: 'the agent tools', close: () => mcp.close() });
  if (!trail.store)
    options.printProblem('without the event trail, the console and the agent tools are not served');
  const withConsole = consoleMount ? consoleMount.wrap(served) : served;
  const fetch = mcp ? mcp.route(withConsole) : withConsole;
  const server = await serve(fetch, options.host, options.port);
  const ingestUrl = `http://${displayHost(options.host)}:${server.port}`;

  const consumers = startConsumers({
    client: target.client,
    queues,
    idempotency: () => openIdempotencyStore('delivered_events'),
    auditSink: audit,
    ...(trail.store ? { trail: trail.store } : {}),
    trailRetentionDays: trail.config.retentionDays,
    logger,
    budget: options.budget,
    budgetFile: { path: layout.budgetDb, baseUrl: target.baseUrl, apiKey: target.apiKey },
    tuning,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    stopTimeoutMs: options.stopTimeoutMs ?? 3_000,
    onError: (queue, stage, error) =>
      options.printProblem(`${queue} consumer, ${stage}: ${(error as Error)?.message ?? String(error)}`),
  });
  // Pollers stop before the sandbox and the queues close: in-flight batches still need both.
  closers.push({
    name: 'the consumers',
    close: async () => {
      await consumers.stop();
      const returned = audit.returnedAtStop();
      if (returned > 0) {
        options.print(
          `${returned} command${returned === 1 ? '' : 's'} in flight returned to the queue: the next start delivers them`,
        );
      }
    },
  });
  if (!options.quiet) {
    // A line when the budget moves (a 429, the rate a tenth away), read from the shared record every few seconds.
    const status = budgetStatusReporter(() => consumers.budget.read(), options.print);
    const timer = setInterval(() => void status.tick().catch(() => undefined), BUDGET_STATUS_EVERY_MS);
    timer.unref();
    closers.push({ name: 'the budget status line', close: async () => clearInterval(timer) });
  }
  const watches = await startLocalWatches({
    cwd: options.cwd,
    localDir: layout.dir,
    client: target.client.withGate(direct.gate('watch')),
    env,
    print: options.print,
    printProblem: options.printProblem,
    ...(trail.store ? { trail: { store: trail.store, retentionDays: trail.config.retentionDays } } : {}),
  });
  if (watches) closers.push({ name: 'the watches', close: () => watches.stop() });
  // The server stops first of all: no webhook is accepted once stopping has begun.
  closers.push({ name: 'the webhook server', close: () => server.close() });
  // Before that, the console's live streams end: the server would wait for them while a page stays open.
  if (consoleMount) closers.push({ name: 'the console streams', close: () => consoleMount.endStreams() });

  const banner = formatBanner(
    bannerInput(options, {
      ingestUrl: options.publicUrl?.replace(/\/+$/, '') ?? ingestUrl,
      ...(consoleMount ? { consoleUrl: `${ingestUrl}${consoleMount.path}` } : {}),
      rules,
      target,
      queues,
      plans: consumers.plans,
      auditLog: layout.auditLog,
      devSecrets,
      devSecretsPath: layout.devSecrets,
      sendExample: sampleSendCommand({
        sources: [...rules.sources.keys()],
        cwd: options.cwd,
        ingestUrl,
        rulesDir: options.rulesDir,
        localDir: options.localDir,
      }),
    }),
  );
  return { ingestUrl, banner, stop: closeAll };
}

function describeSources(rules: RuleSet): string {
  const names = [...rules.sources.keys()];
  return names.length ? names.join(', ') : 'no sources';
}
