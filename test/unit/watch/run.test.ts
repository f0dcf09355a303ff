// The watch's pure parts: progress from a session, the alert sender's retry rule, repeat and completed-after-alert.
import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../../lib/trail/types.ts';
import type { ContentSession, HttpRequest, HttpResponse, User } from '../../../lib/userflow/index.ts';
import {
  AlertDeliveryError,
  memoryAlertState,
  parseDuration,
  parseRate,
  parseWatch,
  runWatch,
  type StalledAlert,
  sendAlert,
  type WatchUserflow,
} from '../../../lib/watch/index.ts';
import { checklistTasks, sessionProgress } from '../../../lib/watch/progress.ts';
import { completedAfterAlertNote } from '../../../lib/watch/trail-note.ts';

const TASKS = checklistTasks([
  { cvid: 't1', name: 'One' },
  { cvid: 't2', name: 'Two' },
  { cvid: 't3', name: 'Three' },
  { cvid: 't4', name: 'Four' },
]);
const NOW = new Date('2025-06-10T00:00:00Z');

function session(overrides: Partial<ContentSession> & Record<string, unknown> = {}): ContentSession {
  return {
    id: 's1',
    object: 'content_session',
    created_at: '2025-06-01T00:00:00.000Z',
    content_id: 'c1',
    content: null,
    version_id: 'v1',
    version: null,
    user_id: 'u1',
    user: null,
    group_id: null,
    group: null,
    completed: false,
    completed_at: null,
    last_activity_at: null,
    progress: '0.5',
    is_preview: false,
    launcher_activated: false,
    answers: null,
    ...overrides,
  } as ContentSession;
}

describe('sessionProgress', () => {
  it('uses per-task completions when the session has them, so a skipped task is the step shown', () => {
    const p = sessionProgress(
      session({ task_completions: [{ task_cvid: 't1' }, { task_cvid: 't3' }] }),
      TASKS,
    );
    expect(p).toEqual({ done: 2, total: 4, nextTask: 'Two', basis: 'tasks' });
  });

  it('falls back to the progress share, assuming the tasks were done in order', () => {
    expect(sessionProgress(session({ progress: '0.75' }), TASKS)).toEqual({
      done: 3,
      total: 4,
      nextTask: 'Four',
      basis: 'progress',
    });
    expect(sessionProgress(session({ progress: null }), TASKS).done).toBe(0);
    expect(sessionProgress(session({ progress: 'garbage' }), TASKS).nextTask).toBe('One');
  });
});

describe('durations', () => {
  it('reads 3d, 12h and rate(1 hour), and refuses what EventBridge refuses', () => {
    expect([parseDuration('3d'), parseDuration('12h'), parseDuration('0d'), parseDuration('3 days')]).toEqual(
      [259_200_000, 43_200_000, undefined, undefined],
    );
    expect([parseRate('rate(1 hour)'), parseRate('rate(5 minutes)'), parseRate('rate(1 hours)')]).toEqual([
      3_600_000,
      300_000,
      undefined,
    ]);
  });
});

describe('sendAlert', () => {
  const request = { url: 'https://hooks.example/x', headers: {}, body: '{}', label: 'alert for u1' };
  const scripted = (answers: (number | Error)[]) => {
    const calls: HttpRequest[] = [];
    const transport = async (r: HttpRequest): Promise<HttpResponse> => {
      calls.push(r);
      const next = answers.shift() ?? 200;
      if (next instanceof Error) throw next;
      return { status: next, headers: next === 429 ? { 'retry-after': '3' } : {}, bodyText: '' };
    };
    return { calls, transport };
  };

  it('retries 5xx, network failures and 429 (waiting Retry-After), then stops at the first 2xx', async () => {
    const { calls, transport } = scripted([503, new Error('socket hang up'), 429, 200]);
    const sleeps: number[] = [];
    const attempts = await sendAlert(request, {
      transport,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0,
    });
    expect([attempts, calls.length]).toEqual([4, 4]);
    expect(sleeps[2]).toBe(3_000);
  });

  it('never retries a 4xx other than 429: the next run tries again', async () => {
    const { calls, transport } = scripted([404]);
    const error = await sendAlert(request, { transport, sleep: async () => {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    expect([(error as AlertDeliveryError).retryable, calls.length]).toEqual([false, 1]);
  });

  it('gives up, retryable, after maxAttempts or a Retry-After longer than it will wait', async () => {
    const many = scripted([500, 500, 500]);
    const tired = await sendAlert(request, {
      transport: many.transport,
      sleep: async () => {},
      maxAttempts: 3,
    }).catch((e: unknown) => e);
    expect([(tired as AlertDeliveryError).retryable, many.calls.length]).toEqual([true, 3]);
    const slow = scripted([429]);
    const waited = await sendAlert(request, {
      transport: slow.transport,
      sleep: async () => {},
      maxRetryAfterMs: 1_000,
    }).catch((e: unknown) => e);
    expect([(waited as AlertDeliveryError).retryable, slow.calls.length]).toEqual([true, 1]);
  });
});

describe('runWatch', () => {
  const user: User = {
    id: 'u1',
    object: 'user',
    created_at: '',
    attributes: { name: 'Ann', plan: 'enterprise' },
    memberships: null,
    groups: null,
  };
  const userflow = (sessions: ContentSession[]): WatchUserflow =>
    ({
      getContent: async () => ({ id: 'c1', name: 'Checklist' }),
      getContentVersion: async () => ({
        tasks: [
          { cvid: 't1', name: 'One' },
          { cvid: 't2', name: 'Two' },
        ],
      }),
      getUser: async () => user,
      paginate: {
        contentSessions: async function* () {
          yield* sessions;
        },
        content: async function* () {},
      },
    }) as unknown as WatchUserflow;
  const watch = (repeat: string) =>
    parseWatch(`name: w\ncontent: c1\nstalled_after: 3d\nrepeat: ${repeat}\nalert: { slack: S }\n`, 'w.yaml');

  it('alerts again only once `repeat` has passed, numbering the reminder', async () => {
    const state = memoryAlertState();
    const sent: StalledAlert[] = [];
    const deliver = async (a: StalledAlert) => void sent.push(a);
    const stalled = [session()];
    await runWatch({ watch: watch('2d'), userflow: userflow(stalled), state, deliver, now: NOW });
    const soon = new Date(NOW.getTime() + 86_400_000);
    const later = new Date(NOW.getTime() + 2 * 86_400_000);
    const tooSoon = await runWatch({
      watch: watch('2d'),
      userflow: userflow(stalled),
      state,
      deliver,
      now: soon,
    });
    await runWatch({ watch: watch('2d'), userflow: userflow(stalled), state, deliver, now: later });
    expect(tooSoon.already_alerted).toBe(1);
    expect(sent.map((a) => a.alert_number)).toEqual([1, 2]);
    expect(sent[0]?.message).toBe('Ann has done 1/2 tasks; stuck at “Two”');
  });

  it('notes once a session completed after its alert, and never alerts a completed one', async () => {
    const state = memoryAlertState();
    const sent: StalledAlert[] = [];
    const deliver = async (a: StalledAlert) => void sent.push(a);
    await runWatch({ watch: watch('never'), userflow: userflow([session()]), state, deliver, now: NOW });
    const done = [session({ completed: true, completed_at: '2025-06-11T00:00:00.000Z' })];
    const notes: AttemptRecord[] = [];
    const onCompletedAfterAlert = async (r: Parameters<typeof completedAfterAlertNote>[0]) =>
      void notes.push(completedAfterAlertNote(r, NOW, 30));
    const first = await runWatch({
      watch: watch('never'),
      userflow: userflow(done),
      state,
      deliver,
      now: NOW,
      onCompletedAfterAlert,
    });
    const again = await runWatch({
      watch: watch('never'),
      userflow: userflow(done),
      state,
      deliver,
      now: NOW,
      onCompletedAfterAlert,
    });
    // Noted in the trail once, on whose behalf, for the user's timeline.
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      action: 'completed_after_alert',
      principal: 'watch:w',
      userId: 'u1',
      request: { session_id: 's1', completed_at: '2025-06-11T00:00:00.000Z' },
    });
    expect(first.completed_after_alert).toEqual([{ user_id: 'u1', session_id: 's1' }]);
    expect(again.completed_after_alert).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('stops where told and resumes after that session, so a long run alerts each stalled user once', async () => {
    const many = ['s1', 's2', 's3', 's4'].map((id) => session({ id, user_id: id }));
    const paged: WatchUserflow = {
      ...userflow(many),
      paginate: {
        // Honours starting_after as the API does: the sessions after the one named.
        contentSessions: async function* (params: { starting_after?: string }) {
          const from = params.starting_after ? many.findIndex((m) => m.id === params.starting_after) + 1 : 0;
          yield* many.slice(from);
        },
        content: async function* () {},
      },
    } as unknown as WatchUserflow;
    const state = memoryAlertState();
    const sent: string[] = [];
    const deliver = async (a: StalledAlert) => void sent.push(a.session_id);
    let budget = 2;
    const shouldStop = () => --budget <= 0;
    const first = await runWatch({
      watch: watch('never'),
      userflow: paged,
      state,
      deliver,
      now: NOW,
      shouldStop,
    });
    expect(first).toMatchObject({ sessions_read: 2, resume_after: 's2' });
    budget = 100;
    const rest = await runWatch({
      watch: watch('never'),
      userflow: paged,
      state,
      deliver,
      now: NOW,
      shouldStop,
      resumeAfter: 's2',
    });
    expect(rest.sessions_read).toBe(2);
    expect(rest.resume_after).toBeUndefined();
    expect(sent).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('skips sessions started after the cut-off and preview sessions', async () => {
    const result = await runWatch({
      watch: watch('never'),
      userflow: userflow([
        session({ created_at: '2025-06-08T00:00:00.000Z' }),
        session({ id: 's2', is_preview: true }),
      ]),
      state: memoryAlertState(),
      now: NOW,
    });
    expect([result.sessions_read, result.stalled, result.alerts]).toEqual([2, 0, []]);
  });
});
