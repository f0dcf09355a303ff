// Writes the whole store as a seed document, so a snapshot file reloads into the same state.

import type { SandboxStore } from '../store.ts';
import type { SeedDocument } from './schema.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function exportSeed(store: SandboxStore): SeedDocument {
  const counters = store.counters();
  return {
    counters: { seq: counters.seq, event_number: counters.eventNumber },
    attribute_definitions: [...store.definitions.attributes.values()].map((d) => ({
      id: d.id,
      name: d.name,
      scope: d.scope,
      data_type: d.data_type,
      display_name: d.display_name,
      description: d.description,
      created_at: iso(d.created_at),
    })),
    event_definitions: [...store.definitions.events.values()].map((d) => ({
      id: d.id,
      name: d.name,
      display_name: d.display_name,
      description: d.description,
      created_at: iso(d.created_at),
    })),
    groups: [...store.groups.values()].map((g) => ({
      id: g.id,
      created_at: iso(g.created_at),
      attributes: g.attributes,
    })),
    users: [...store.users.values()].map((u) => ({
      id: u.id,
      created_at: iso(u.created_at),
      attributes: u.attributes,
      memberships: store.membershipsOfUser(u.id).map((m) => ({
        group_id: m.group_id,
        created_at: iso(m.created_at),
        attributes: m.attributes,
      })),
    })),
    content: [...store.content.values()].map((c) => ({
      id: c.id,
      created_at: iso(c.created_at),
      name: c.name,
      type: c.type,
      draft_version_id: c.draft_version_id,
      published_version_id: c.published_version_id,
    })),
    content_versions: [...store.versions.values()].map((v) => ({
      id: v.id,
      content_id: v.content_id,
      number: v.number,
      created_at: iso(v.created_at),
      edited_at: isoOrNull(v.edited_at),
      description: v.description,
      questions: v.questions,
      tasks: v.tasks,
    })),
    content_sessions: [...store.sessions.values()].map((s) => ({
      id: s.id,
      content_id: s.content_id,
      version_id: s.version_id,
      user_id: s.user_id,
      group_id: s.group_id,
      created_at: iso(s.created_at),
      completed: s.completed,
      completed_at: isoOrNull(s.completed_at),
      last_activity_at: isoOrNull(s.last_activity_at),
      progress: s.progress,
      is_preview: s.is_preview,
      launcher_activated: s.launcher_activated,
      answers: s.answers.map((a) => ({ ...a, created_at: iso(a.created_at) })),
      ...(s.task_completions.length
        ? {
            task_completions: s.task_completions.map((t) => ({
              task_cvid: t.task_cvid,
              completed_at: iso(t.completed_at),
            })),
          }
        : {}),
    })),
    events: [...store.events.values()].map((e) => ({
      id: e.id,
      name: e.name,
      user_id: e.user_id,
      group_id: e.group_id,
      attributes: e.attributes,
      time: iso(e.time),
      created_at: iso(e.created_at),
    })),
    webhook_subscriptions: [...store.webhookSubscriptions.values()].map((w) => ({
      id: w.id,
      url: w.url,
      topics: w.topics,
      api_version: w.api_version,
      disabled: w.disabled,
      secret: w.secret,
      created_at: iso(w.created_at),
    })),
  };
}
