// One run of a watch: page through the content's sessions, keep the stalled ones of matching users, alert each once.
import type { Content, ContentSession, User, UserflowClient } from '../userflow/index.ts';
import { UserflowInvalidParamsError, UserflowNotFoundError } from '../userflow/index.ts';
import { type StalledAlert, userUrl } from './alert.ts';
import { humanAgo } from './duration.ts';
import { renderMessage } from './message.ts';
import { type ChecklistTask, checklistTasks, sessionProgress } from './progress.ts';
import type { AlertRecord, AlertState } from './state.ts';
import type { Watch } from './watch.ts';

export type WatchUserflow = Pick<UserflowClient, 'getContent' | 'getContentVersion' | 'getUser' | 'paginate'>;

export interface WatchRunOptions {
  watch: Watch;
  userflow: WatchUserflow;
  state: AlertState;
  /** Sends one alert; resolves only on a 2xx. Absent for a dry run: nothing is sent and no state is written. */
  deliver?: (alert: StalledAlert) => Promise<void>;
  now: Date;
  /** e.g. `https://app.userflow.com/acme`, for links to users. */
  accountUrl?: string;
  /** Called every 500 sessions read, for progress output on large contents. */
  onProgress?: (sessionsRead: number) => void;
  /** Continue a run that stopped early: read the sessions after this one (the last one it read). */
  resumeAfter?: string;
  /** Asked after each session: true stops the run there, and the result names where to resume. */
  shouldStop?: () => boolean;
  /** Told once when a session alerted earlier is found completed (the trail notes it). Not on a dry run. */
  onCompletedAfterAlert?: (record: AlertRecord & { completed_at: string }) => Promise<void>;
}

export interface WatchAlertOutcome {
  user_id: string;
  session_id: string;
  status: 'sent' | 'would_send' | 'failed';
  reason: string;
  alert: StalledAlert;
  error?: string;
}

export interface WatchRunResult {
  watch: string;
  content: { id: string; name: string };
  dry_run: boolean;
  sessions_read: number;
  stalled: number;
  /** Stalled and matching, but already alerted (and `repeat` says not yet). */
  already_alerted: number;
  alerts: WatchAlertOutcome[];
  /** Sessions alerted earlier that are now completed (noted once, in the state). */
  completed_after_alert: { user_id: string; session_id: string }[];
  /** Set when `shouldStop` ended the run early: the last session read, where the next run resumes. */
  resume_after?: string;
}

const EXPAND = ['user', 'group'] as const;

export async function runWatch(options: WatchRunOptions): Promise<WatchRunResult> {
  const { watch, userflow, state, now } = options;
  const content = await resolveContent(userflow, watch.content);
  const cutoff = now.getTime() - watch.stalledAfterMs;
  const tasksByVersion = new Map<string, ChecklistTask[]>();
  const alerts: WatchAlertOutcome[] = [];
  const completedAfterAlert: WatchRunResult['completed_after_alert'] = [];
  let read = 0;
  let stalled = 0;
  let alreadyAlerted = 0;
  let resumeAfter: string | undefined;

  const tasksOf = async (versionId: string) => {
    let tasks = tasksByVersion.get(versionId);
    if (!tasks) {
      const version = await userflow.getContentVersion(versionId, { expand: ['tasks'] });
      tasks = checklistTasks(version.tasks as Record<string, unknown>[] | null);
      tasksByVersion.set(versionId, tasks);
    }
    return tasks;
  };

  // Each session is settled (alerted and recorded, or skipped) before the next is read, so a run stopped after
  // any session can resume after it without losing or repeating an alert.
  for await (const session of sessions(userflow, content.id, options.resumeAfter)) {
    read++;
    if (read % 500 === 0) options.onProgress?.(read);
    if (session.is_preview) {
      // A builder trying the checklist out: never a user to reach out to.
    } else if (session.completed) {
      const record = await state.get(watch.name, session.user_id, session.id);
      if (record && !record.completed_at) {
        completedAfterAlert.push({ user_id: session.user_id, session_id: session.id });
        if (options.deliver) {
          const noted = { ...record, completed_at: session.completed_at ?? now.toISOString() };
          await state.put(noted);
          await options.onCompletedAfterAlert?.(noted);
        }
      }
    } else if (Date.parse(session.created_at) < cutoff) {
      const user = session.user ?? (await userflow.getUser(session.user_id));
      if (!watch.users || watch.users(user.attributes)) {
        stalled++;
        const previous = await state.get(watch.name, session.user_id, session.id);
        if (previous && !due(previous, watch, now)) alreadyAlerted++;
        else alerts.push(await alertOne(options, content, session, user, previous, tasksOf));
      }
    }
    if (options.shouldStop?.()) {
      resumeAfter = session.id;
      break;
    }
  }

  return {
    watch: watch.name,
    content: { id: content.id, name: content.name },
    dry_run: !options.deliver,
    sessions_read: read,
    stalled,
    already_alerted: alreadyAlerted,
    alerts,
    completed_after_alert: completedAfterAlert,
    ...(resumeAfter ? { resume_after: resumeAfter } : {}),
  };
}

/** Builds, sends and records one alert; a failed one is not recorded, so the next run tries it again. */
async function alertOne(
  options: WatchRunOptions,
  content: Content,
  session: ContentSession,
  user: User,
  previous: AlertRecord | undefined,
  tasksOf: (versionId: string) => Promise<ChecklistTask[]>,
): Promise<WatchAlertOutcome> {
  const { watch, now } = options;
  const tasks = await tasksOf(session.version_id);
  const alert = await buildAlert(options, content, session, user, tasks, (previous?.alerts ?? 0) + 1);
  const reason = `started ${alert.started_ago}, before the ${describeMs(watch.stalledAfterMs)} cut-off; ${alert.done}/${alert.total} done${previous ? `; last alerted ${previous.alerted_at}` : ''}`;
  const outcome = { user_id: user.id, session_id: session.id, reason, alert };
  if (!options.deliver) return { ...outcome, status: 'would_send' };
  try {
    await options.deliver(alert);
  } catch (error) {
    return { ...outcome, status: 'failed', error: (error as Error).message };
  }
  await options.state.put({
    watch: watch.name,
    user_id: user.id,
    session_id: session.id,
    alerted_at: now.toISOString(),
    alerts: alert.alert_number,
  });
  return { ...outcome, status: 'sent' };
}

function due(record: AlertRecord, watch: Watch, now: Date): boolean {
  if (watch.repeatMs === undefined) return false;
  return now.getTime() - Date.parse(record.alerted_at) >= watch.repeatMs;
}

async function buildAlert(
  options: WatchRunOptions,
  content: Content,
  session: ContentSession,
  user: User,
  tasks: ChecklistTask[],
  alertNumber: number,
): Promise<StalledAlert> {
  const progress = sessionProgress(session, tasks);
  const startedAgo = humanAgo(options.now.getTime() - Date.parse(session.created_at));
  const attributes = user.attributes;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const group = session.group_id
    ? { id: session.group_id, name: text(session.group?.attributes.name) }
    : undefined;
  const input = {
    user,
    group: session.group,
    session,
    content: { id: content.id, name: content.name },
    done: progress.done,
    total: progress.total,
    next_task: progress.nextTask ?? '',
    started_ago: startedAgo,
    watch: options.watch.name,
  };
  return {
    watch: options.watch.name,
    session_id: session.id,
    content_id: content.id,
    user_id: user.id,
    name: text(attributes.name),
    email: text(attributes.email),
    group,
    done: progress.done,
    total: progress.total,
    next_task: progress.nextTask,
    started_at: session.created_at,
    started_ago: startedAgo,
    user_url: userUrl(options.accountUrl, user.id),
    message: await renderMessage(options.watch.message, input, options.watch.name, options.now),
    alert_number: alertNumber,
  };
}

/** By id first; an id that is not found (or not an id at all) is then looked up as the content's exact name. */
async function resolveContent(userflow: WatchUserflow, ref: string): Promise<Content> {
  try {
    return await userflow.getContent(ref);
  } catch (error) {
    if (!(error instanceof UserflowNotFoundError) && !(error instanceof UserflowInvalidParamsError))
      throw error;
  }
  const matches: Content[] = [];
  for await (const item of userflow.paginate.content({ limit: 100 }))
    if (item.name === ref) matches.push(item);
  if (matches.length === 1) return matches[0] as Content;
  throw new UserflowNotFoundError(
    'not_found',
    matches.length
      ? `${matches.length} contents are named "${ref}": use the content id`
      : `no content with id or name "${ref}"`,
    { retryable: false, status: 404, action: 'getContent' },
  );
}

/**
 * The content's sessions with users and groups expanded. Whether the API expands `user` on sessions is
 * UNCONFIRMED: if it refuses the expansion, the run goes on without it and reads each user it needs.
 */
async function* sessions(
  userflow: WatchUserflow,
  contentId: string,
  after: string | undefined,
): AsyncGenerator<ContentSession> {
  const params = {
    content_id: contentId,
    limit: 100,
    order_by: 'created_at',
    ...(after ? { starting_after: after } : {}),
  };
  try {
    yield* userflow.paginate.contentSessions({ ...params, expand: [...EXPAND] });
  } catch (error) {
    if (!(error instanceof UserflowInvalidParamsError) || !/^expand/.test(error.userflowMessage ?? ''))
      throw error;
    yield* userflow.paginate.contentSessions({ ...params, expand: ['group'] });
  }
}

function describeMs(ms: number): string {
  const day = 86_400_000;
  return ms % day === 0 ? `${ms / day}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 60_000}m`;
}
