// One run of a watch: page through the content's sessions, keep the stalled ones of matching users, alert each once.
import type { Content, ContentSession, User, UserflowClient } from '../userflow/index.ts';
import { UserflowInvalidParamsError, UserflowNotFoundError } from '../userflow/index.ts';
import { type StalledAlert, userUrl } from './alert.ts';
import { humanAgo } from './duration.ts';
import type { Watch } from './load.ts';
import { renderMessage } from './message.ts';
import { type ChecklistTask, checklistTasks, sessionProgress } from './progress.ts';
import type { AlertRecord, AlertState } from './state.ts';

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
}

const EXPAND = ['user', 'group'] as const;

export async function runWatch(options: WatchRunOptions): Promise<WatchRunResult> {
  const { watch, userflow, state, now } = options;
  const content = await resolveContent(userflow, watch.content);
  const cutoff = now.getTime() - watch.stalledAfterMs;
  const tasksByVersion = new Map<string, ChecklistTask[]>();
  const candidates: { session: ContentSession; user: User }[] = [];
  const completedAfterAlert: WatchRunResult['completed_after_alert'] = [];
  let read = 0;
  let alreadyAlerted = 0;

  for await (const session of sessions(userflow, content.id)) {
    read++;
    if (read % 500 === 0) options.onProgress?.(read);
    if (session.is_preview) continue;
    if (session.completed) {
      const record = await state.get(watch.name, session.user_id, session.id);
      if (record && !record.completed_at) {
        completedAfterAlert.push({ user_id: session.user_id, session_id: session.id });
        if (options.deliver) {
          await state.put({ ...record, completed_at: session.completed_at ?? now.toISOString() });
        }
      }
      continue;
    }
    if (Date.parse(session.created_at) >= cutoff) continue;
    const user = session.user ?? (await userflow.getUser(session.user_id));
    if (watch.users && !watch.users(user.attributes)) continue;
    candidates.push({ session, user });
  }

  const alerts: WatchAlertOutcome[] = [];
  for (const { session, user } of candidates) {
    const previous = await state.get(watch.name, session.user_id, session.id);
    if (previous && !due(previous, watch, now)) {
      alreadyAlerted++;
      continue;
    }
    let tasks = tasksByVersion.get(session.version_id);
    if (!tasks) {
      const version = await userflow.getContentVersion(session.version_id, { expand: ['tasks'] });
      tasks = checklistTasks(version.tasks as Record<string, unknown>[] | null);
      tasksByVersion.set(session.version_id, tasks);
    }
    const alert = await buildAlert(options, content, session, user, tasks, (previous?.alerts ?? 0) + 1);
    const reason = `started ${alert.started_ago}, before the ${describeMs(watch.stalledAfterMs)} cut-off; ${alert.done}/${alert.total} done${previous ? `; last alerted ${previous.alerted_at}` : ''}`;
    if (!options.deliver) {
      alerts.push({ user_id: user.id, session_id: session.id, status: 'would_send', reason, alert });
      continue;
    }
    try {
      await options.deliver(alert);
    } catch (error) {
      // Not recorded: the next run tries this alert again.
      alerts.push({
        user_id: user.id,
        session_id: session.id,
        status: 'failed',
        reason,
        alert,
        error: (error as Error).message,
      });
      continue;
    }
    const record: AlertRecord = {
      watch: watch.name,
      user_id: user.id,
      session_id: session.id,
      alerted_at: now.toISOString(),
      alerts: alert.alert_number,
    };
    await state.put(record);
    alerts.push({ user_id: user.id, session_id: session.id, status: 'sent', reason, alert });
  }

  return {
    watch: watch.name,
    content: { id: content.id, name: content.name },
    dry_run: !options.deliver,
    sessions_read: read,
    stalled: candidates.length,
    already_alerted: alreadyAlerted,
    alerts,
    completed_after_alert: completedAfterAlert,
  };
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
    matches.length
      ? `${matches.length} contents are named "${ref}": use the content id`
      : `no content with id or name "${ref}"`,
    { code: 'not_found', retryable: false, status: 404, action: 'getContent' },
  );
}

/**
 * The content's sessions with users and groups expanded. Whether the API expands `user` on sessions is
 * UNCONFIRMED: if it refuses the expansion, the run goes on without it and reads each user it needs.
 */
async function* sessions(userflow: WatchUserflow, contentId: string): AsyncGenerator<ContentSession> {
  const params = { content_id: contentId, limit: 100, order_by: 'created_at' };
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
