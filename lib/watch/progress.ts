// Where a user stands in a checklist: tasks done out of the version's tasks, and the first one not done.
import type { ContentSession } from '../userflow/index.ts';

export interface ChecklistTask {
  /** The task's id within the version (`cvid`), when the API gives one. */
  cvid: string | undefined;
  name: string;
}

export interface Progress {
  done: number;
  total: number;
  /** The first task not done, in the checklist's order; undefined when all are. */
  nextTask: string | undefined;
  /** How it was worked out: per-task completions when the session has them, else the `progress` share. */
  basis: 'tasks' | 'progress';
}

/**
 * Task objects are UNCONFIRMED in the public reference; the names `name` and `cvid` are what the sandbox and one
 * catalogue use. A task without a name is shown by its position, never dropped (the count must stay right).
 */
export function checklistTasks(tasks: readonly Record<string, unknown>[] | null): ChecklistTask[] {
  return (tasks ?? []).map((task, i) => ({
    cvid: typeof task.cvid === 'string' ? task.cvid : undefined,
    name: typeof task.name === 'string' && task.name !== '' ? task.name : `Task ${i + 1}`,
  }));
}

export function sessionProgress(session: ContentSession, tasks: readonly ChecklistTask[]): Progress {
  const total = tasks.length;
  const completions = (session as { task_completions?: unknown }).task_completions;
  if (Array.isArray(completions)) {
    const done = new Set(
      completions
        .map((c) => (c as { task_cvid?: unknown }).task_cvid)
        .filter((cvid): cvid is string => typeof cvid === 'string'),
    );
    const next = tasks.find((task) => task.cvid === undefined || !done.has(task.cvid));
    return {
      done: tasks.filter((t) => t.cvid && done.has(t.cvid)).length,
      total,
      nextTask: next?.name,
      basis: 'tasks',
    };
  }
  // Only a share is known: assume the tasks were done in order, the common case for a checklist.
  const share = Number(session.progress ?? 0);
  const done = Number.isFinite(share) ? Math.max(0, Math.min(total, Math.round(share * total))) : 0;
  return { done, total, nextTask: tasks[done]?.name, basis: 'progress' };
}
