// The work behind `sync run` and `sync status`, loaded only when those commands run (it opens databases).
import { localEnv } from '../config/dotenv.ts';
import { ConfigError } from '../errors.ts';
import { LOCAL_QUEUE_SETTINGS, localLayout, QUEUE_NAMES } from '../local/layout.ts';
import type { Queue } from '../queue/queue.ts';
import type { RunRecord, SyncProgress, SyncResult, SyncStateStore } from '../sync/index.ts';
import { copiedFrom, copiedWarning, loadSyncFile, runSyncRecorded, type SyncFile } from '../sync/index.ts';
import { connectPostgres } from '../sync/postgres.ts';
import { openPostgresStateStore } from '../sync/postgres-state-store.ts';
import { openSqliteStateStore } from '../sync/sqlite-state-store.ts';
import { UsageError } from './exit.ts';
import { createProgress } from './progress.ts';

/** The flags of `sync run`, as commander parses them (declared in sync.ts). */
export interface RunSyncFlags {
  dryRun?: boolean;
  localDir: string;
  queue: 'local' | 'sqs';
  queueUrl?: string;
  count: boolean;
  json?: boolean;
  envFile: string;
  /** Where the run is recorded: `dynamodb://<table>` or a SQLite file (default `<local-dir>/trail.db`). */
  trail?: string;
}

export async function runSyncCommand(path: string, flags: RunSyncFlags): Promise<void> {
  const file = await loadSyncFile(path);
  const env = localEnv(process.env, flags.envFile);
  const db = await connectPostgres({ url: connectionUrl(file, env), label: file.connection });
  const closers: (() => unknown)[] = [() => db.close()];
  try {
    const state = await openState(file, env, flags.localDir);
    closers.push(() => state.close());
    const from = await copiedFrom(file, state, loadSyncFile);
    if (from) process.stderr.write(copiedWarning(file, from));
    const queue = flags.dryRun ? undefined : await openQueue(flags, env, closers);
    const trail = await openRunTrail(flags, env, closers);
    const progress = createProgress();
    const started = Date.now();
    const result = await runSyncRecorded(
      {
        file,
        db,
        state,
        ...(queue ? { queue } : {}),
        dryRun: Boolean(flags.dryRun),
        countFirst: flags.count,
        onProgress: (p) => progress.update(progressLine(p)),
      },
      trail,
    ).finally(() => progress.finish());
    process.stdout.write(
      flags.json
        ? `${JSON.stringify({ sync: file.name, dryRun: Boolean(flags.dryRun), ...result })}\n`
        : summary(file, result, Date.now() - started, flags),
    );
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

export async function syncStatusCommand(flags: {
  localDir: string;
  file?: string;
  sync?: string;
  limit: number;
  json?: boolean;
  envFile: string;
}): Promise<void> {
  const file = flags.file ? await loadSyncFile(flags.file) : undefined;
  const env = localEnv(process.env, flags.envFile);
  let state: SyncStateStore;
  if (file?.state === 'database') {
    state = await openPostgresStateStore(
      await connectPostgres({ url: connectionUrl(file, env), label: file.connection }),
    );
  } else {
    state = openSqliteStateStore(localLayout(flags.localDir).syncStateDb);
  }
  try {
    const sync = flags.sync ?? file?.name;
    const runs = await state.runs({ limit: flags.limit, ...(sync ? { sync } : {}) });
    if (flags.json) process.stdout.write(`${JSON.stringify(runs)}\n`);
    else if (runs.length > 0) process.stdout.write(statusTable(runs));
    else {
      // Which syncs have runs, so a mistyped name is told apart from a sync that never ran.
      const recent = sync ? await state.runs({ limit: KNOWN_SYNCS_SCAN }) : [];
      process.stdout.write(noRuns(sync, [...new Set(recent.map((r) => r.sync))].sort()));
    }
  } finally {
    await state.close();
  }
}

function connectionUrl(file: SyncFile, env: Record<string, string | undefined>): string {
  const url = env[file.connection];
  if (!url) {
    throw new ConfigError(`${file.path}: the connection secret ${file.connection} is not set`, [
      `set ${file.connection}=postgres://user:password@host:5432/db in the environment or in .env`,
    ]);
  }
  return url;
}

async function openState(
  file: SyncFile,
  env: Record<string, string | undefined>,
  localDir: string,
): Promise<SyncStateStore> {
  if (file.state === 'database') {
    // Its own connection: the run streams rows on the other one.
    return openPostgresStateStore(
      await connectPostgres({ url: connectionUrl(file, env), label: file.connection }),
    );
  }
  return openSqliteStateStore(localLayout(localDir).syncStateDb);
}

async function openQueue(
  flags: RunSyncFlags,
  env: Record<string, string | undefined>,
  closers: (() => unknown)[],
): Promise<Queue> {
  if (flags.queue === 'sqs') {
    const queueUrl = flags.queueUrl ?? env.SYNC_QUEUE_URL;
    if (!queueUrl) throw new UsageError('--queue sqs needs --queue-url or SYNC_QUEUE_URL');
    const { createSqsQueue } = await import('../queue/sqs/sqs-queue.ts');
    const endpoint = env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL;
    return createSqsQueue({
      queueUrl,
      client: { ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}), ...(endpoint ? { endpoint } : {}) },
    });
  }
  const { openSqliteQueues } = await import('../queue/sqlite/sqlite-queue.ts');
  const queues = openSqliteQueues({
    path: localLayout(flags.localDir).queueDb,
    mainName: QUEUE_NAMES.sync,
    dlqName: QUEUE_NAMES.syncDlq,
    ...LOCAL_QUEUE_SETTINGS,
  });
  closers.push(() => queues.close());
  return queues.main;
}

/** The event trail the run is recorded in; a trail that fails is warned about on stderr, the run goes on. */
async function openRunTrail(
  flags: RunSyncFlags,
  env: Record<string, string | undefined>,
  closers: (() => unknown)[],
) {
  const { openCliTrail } = await import('./trail.ts');
  const warn = (line: string) => process.stderr.write(`${line}\n`);
  const { store, config } = await openCliTrail(flags, env, warn);
  if (!store) return undefined;
  closers.push(() => store.close());
  const onTrailError = (error: unknown) =>
    warn(`warning: the sync run was not recorded in the event trail: ${(error as Error).message}`);
  return { trail: store, retentionDays: config.retentionDays, onTrailError };
}

/** One phase's figures (its kind's, or the removals'): the last line of each adds up to the summary. */
export function progressLine(p: SyncProgress) {
  return {
    label: p.kind,
    done: p.read,
    ...(p.total !== undefined ? { total: p.total } : {}),
    detail: `${fmt(p.changed)} changed · ${fmt(p.queued)} queued`,
  };
}

function summary(file: SyncFile, result: SyncResult, elapsedMs: number, flags: RunSyncFlags): string {
  const c = result.counts;
  const seconds = `${(elapsedMs / 1000).toFixed(1)} s`;
  const lines = [
    flags.dryRun
      ? `dry run of ${file.name} (${file.mode}) in ${seconds}`
      : `synced ${file.name} (${file.mode}) in ${seconds} — run #${result.runId}`,
    `  ${fmt(c.read)} rows read · ${fmt(c.unchanged)} unchanged · ${fmt(c.created + c.updated + c.removed)} changed · ${fmt(c.queued)} queued · ${fmt(c.skipped)} skipped`,
  ];
  for (const [kind, k] of Object.entries(result.byKind)) {
    if (!file[kind as keyof typeof result.byKind]) continue;
    lines.push(
      `  ${kind.padEnd(12)} created ${fmt(k.created)} · updated ${fmt(k.updated)} · removed ${fmt(k.removed)}`,
    );
  }
  if (flags.dryRun) {
    lines.push('nothing was queued. sample of the changes:');
    for (const s of result.samples) {
      lines.push(`  ${s.kind} ${s.key.replace('\u001f', ' → ')} ${s.change} ${JSON.stringify(s.attributes)}`);
    }
  } else if (flags.queue === 'local' && c.queued > 0) {
    lines.push('queued on the local sync queue: `npm start` delivers it to Userflow.');
  }
  return `${lines.join('\n')}\n`;
}

/** How many recent runs `sync status` reads to name the syncs that have some. */
const KNOWN_SYNCS_SCAN = 500;

/** What `sync status` says when it finds no runs: of which sync, and which syncs do have runs. */
export function noRuns(sync: string | undefined, known: readonly string[]): string {
  if (!sync || known.length === 0)
    return sync ? `sync ${sync} has no runs (no sync has run yet)\n` : 'no sync runs yet\n';
  return `sync ${sync} has no runs; syncs with runs: ${known.join(', ')}\n`;
}

function statusTable(runs: RunRecord[]): string {
  const lines = runs.map((r) => {
    const c = r.counts;
    const changed = (c.created ?? 0) + (c.updated ?? 0) + (c.removed ?? 0);
    const took = r.finishedAt
      ? `${((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1)} s`
      : '…';
    return [
      // A dry run is not a run of the sync: it has no number of its own to quote.
      r.dryRun ? 'dry run' : `#${r.id}`,
      r.sync,
      r.startedAt,
      r.status,
      took,
      `${fmt(c.read ?? 0)} read`,
      `${fmt(changed)} changed`,
      `${fmt(c.queued ?? 0)} queued`,
      r.error ? `— ${r.error}` : '',
    ].join('  ');
  });
  return `${lines.join('\n')}\n`;
}

const fmt = (n: number) => n.toLocaleString('en-US');
