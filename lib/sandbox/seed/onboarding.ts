// A generated, reproducible onboarding data set: one checklist, users on plans, sessions at every stage.

import type { SeedDocument } from './schema.ts';

const DAY = 86_400_000;

export const ONBOARDING_CONTENT_ID = 'checklist-getting-started';
export const ONBOARDING_VERSION_ID = 'checklist-getting-started-v1';

export const ONBOARDING_TASKS: readonly string[] = [
  'Create your workspace',
  'Invite a teammate',
  'Connect your data',
  'Build a dashboard',
  'Set up an alert',
  'Share a report',
  'Install the mobile app',
];

const PLANS = ['enterprise', 'growth', 'starter'] as const;

export interface OnboardingSeedOptions {
  /** The moment "now" in epoch ms: sessions start up to `maxAgeDays` before it. */
  now: number;
  /** Default 40. */
  sessions?: number;
  /** Task names of the checklist's one version; default seven. */
  tasks?: readonly string[];
  /** Seed of the pseudo-random sequence; the same seed gives the same data. Default 1. */
  seed?: number;
  /** Oldest session start, in days before `now`. Default 14. */
  maxAgeDays?: number;
}

/**
 * Users `onb_001…`, each with one session of the checklist: a share complete, the rest part way, some started
 * in the last day. Tasks are completed mostly in order, sometimes one skipped, with times between the session's
 * start and `now`, so `progress`, `last_activity_at` and `task_completions` agree. Plans live on the user (as
 * apps usually send them) and on their company.
 */
export function onboardingSeed(options: OnboardingSeedOptions): SeedDocument {
  const random = mulberry32(options.seed ?? 1);
  const count = options.sessions ?? 40;
  const taskNames = options.tasks ?? ONBOARDING_TASKS;
  const maxAge = (options.maxAgeDays ?? 14) * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const tasks = taskNames.map((name, i) => ({ id: `task-${i + 1}`, cvid: `t${i + 1}`, name }));
  const groups = PLANS.flatMap((plan) =>
    [1, 2].map((n) => ({
      id: `acct_${plan}_${n}`,
      created_at: iso(options.now - maxAge - DAY),
      attributes: { name: `${capitalise(plan)} Co ${n}`, plan },
    })),
  );
  const doc: Required<
    Pick<SeedDocument, 'groups' | 'users' | 'content' | 'content_versions' | 'content_sessions'>
  > = {
    groups,
    users: [],
    content: [
      {
        id: ONBOARDING_CONTENT_ID,
        created_at: iso(options.now - maxAge - 2 * DAY),
        name: 'Onboarding checklist',
        type: 'checklist',
        draft_version_id: ONBOARDING_VERSION_ID,
        published_version_id: ONBOARDING_VERSION_ID,
      },
    ],
    content_versions: [
      {
        id: ONBOARDING_VERSION_ID,
        content_id: ONBOARDING_CONTENT_ID,
        number: 1,
        created_at: iso(options.now - maxAge - 2 * DAY),
        description: 'Primary onboarding checklist',
        tasks,
      },
    ],
    content_sessions: [],
  };
  for (let i = 0; i < count; i++) {
    const id = `onb_${String(i + 1).padStart(3, '0')}`;
    const group = groups[Math.floor(random() * groups.length)] as (typeof groups)[number];
    const startedAt = Math.round(options.now - random() * maxAge);
    const complete = random() < 0.25;
    const done = complete ? tasks.length : Math.floor(random() * tasks.length);
    // Mostly in order; now and then the user skips one and does the next.
    const order = tasks.map((t) => t.cvid);
    if (!complete && done > 0 && done < tasks.length && random() < 0.2) {
      [order[done - 1], order[done]] = [order[done] as string, order[done - 1] as string];
    }
    let at = startedAt;
    const completions = order.slice(0, done).map((cvid) => {
      at += Math.round(random() * ((options.now - at) / (tasks.length + 1)));
      return { task_cvid: cvid, completed_at: iso(at) };
    });
    doc.users.push({
      id,
      created_at: iso(startedAt - 60_000),
      attributes: {
        name: `Onboarding User ${i + 1}`,
        email: `${id}@example.com`,
        plan: group.attributes.plan,
      },
      memberships: [{ group_id: group.id }],
    });
    doc.content_sessions.push({
      id: `sess_${id}`,
      content_id: ONBOARDING_CONTENT_ID,
      version_id: ONBOARDING_VERSION_ID,
      user_id: id,
      group_id: group.id,
      created_at: iso(startedAt),
      completed: complete,
      completed_at: complete ? iso(at) : null,
      last_activity_at: iso(at),
      task_completions: completions,
    });
  }
  return doc;
}

/** Concatenates the lists of several seed documents (e.g. the demo data plus a generated set). */
export function mergeSeeds(...docs: readonly SeedDocument[]): SeedDocument {
  const merged: Record<string, unknown[]> = {};
  for (const doc of docs) {
    for (const [key, value] of Object.entries(doc)) {
      if (Array.isArray(value)) merged[key] = [...(merged[key] ?? []), ...value];
    }
  }
  return merged as SeedDocument;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A small seeded generator (mulberry32): reproducible data without a dependency. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
