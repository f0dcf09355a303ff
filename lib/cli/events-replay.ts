// `events replay`: load the rules as `start` does, plan the replay, record it in the trail, queue it locally.
import { existsSync } from 'node:fs';
import type { Envelope } from '../commands/index.ts';
import { localEnv } from '../config/dotenv.ts';
import { enqueue } from '../ingest/enqueue.ts';
import { printable } from '../local/activity.ts';
import { DEFAULT_RULES_DIR, LOCAL_QUEUE_SETTINGS, localLayout, QUEUE_NAMES } from '../local/layout.ts';
import { openSqliteQueues } from '../queue/sqlite/sqlite-queue.ts';
import { loadRules } from '../rules/index.ts';
import { TrailError } from '../trail/errors.ts';
import { type ReplayPlan, replayableEvent, replayEvent } from '../trail/replay.ts';
import type { TrailStore } from '../trail/store.ts';
import type { IntakeRecord } from '../trail/types.ts';
import { planText } from './events-text.ts';
import { UsageError } from './exit.ts';
import { failWith } from './fail.ts';

export interface ReplayRun {
  store: TrailStore;
  intake: IntakeRecord;
  /** What the user typed: an event id, or a request or command id of a one-event request. */
  id: string;
  localDir: string;
  rules?: string;
  envFile: string;
  dryRun?: boolean;
  json?: boolean;
  clock?: () => Date;
}

const REFUSALS: ReadonlySet<string> = new Set(['body_not_stored', 'event_not_replayable']);

export async function runReplay(run: ReplayRun): Promise<void> {
  const { store, intake } = run;
  const eventId = pickEvent(intake, run.id);
  const rulesDir = run.rules ?? localEnv(process.env, run.envFile).RULES_DIR ?? DEFAULT_RULES_DIR;
  const source = (await loadRules(rulesDir)).get(intake.source);
  if (!source)
    throw new UsageError(`the rules in ${rulesDir} define no source "${printable(intake.source)}"`);
  const { dir, queueDb } = localLayout(run.localDir);
  if (!run.dryRun && !existsSync(dir))
    throw new UsageError(`no local dir ${dir} to queue on (give --local-dir)`);
  let plan: ReplayPlan;
  try {
    plan = await replayEvent({
      store,
      intake,
      eventId,
      source,
      send: (envelopes) => sendLocally(queueDb, envelopes),
      dryRun: run.dryRun ?? false,
      now: (run.clock ?? (() => new Date()))(),
    });
  } catch (error) {
    if (!(error instanceof TrailError) || !REFUSALS.has(error.code)) throw error;
    failWith(error.code, `replay refused: ${printable(error.message)}`, run.json ?? false);
    return;
  }
  const queued = !run.dryRun;
  process.stdout.write(run.json ? planJson(plan, queued) : planText(plan, queued));
}

function planJson(plan: ReplayPlan, queued: boolean): string {
  const [event] = plan.record.events;
  return `${JSON.stringify({
    replay: plan.replay,
    eventId: plan.eventId,
    requestId: plan.record.requestId,
    queued,
    rules: event?.rules ?? [],
    commands: plan.envelopes,
  })}\n`;
}

async function sendLocally(queueDb: string, envelopes: readonly Envelope[]): Promise<void> {
  const queues = openSqliteQueues({
    path: queueDb,
    mainName: QUEUE_NAMES.webhooks,
    dlqName: QUEUE_NAMES.webhooksDlq,
    ...LOCAL_QUEUE_SETTINGS,
  });
  try {
    await enqueue(queues.main, envelopes);
  } finally {
    queues.close();
  }
}

/** The event id itself, or the one event of the request a request id or command id named. */
function pickEvent(intake: IntakeRecord, id: string): string {
  const picked = replayableEvent(intake, id);
  if (picked !== undefined) return picked;
  const ids = intake.events.map((event) => event.id).join(', ');
  throw new UsageError(
    `request ${intake.requestId} carries ${intake.events.length} events: replay one of ${printable(ids)}`,
  );
}
