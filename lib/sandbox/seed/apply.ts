// Loads a seed document (or snapshot) into the store, checking references and deriving definitions.

import { ConfigError } from '../../errors.ts';
import { type AttributeOptions, applyAttributeChanges } from '../attributes.ts';
import type { SandboxFlags } from '../flags.ts';
import type { AttributeScope, Attributes } from '../records.ts';
import type { SandboxStore } from '../store.ts';
import { type SeedDocument, seedDocumentSchema } from './schema.ts';

/** Validates unknown JSON as a seed document; every problem is listed with its path. */
export function parseSeedDocument(json: unknown, source: string): SeedDocument {
  const parsed = seedDocumentSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new ConfigError(`Invalid sandbox seed ${source}`, problems);
}

/** Adds the document's objects to the store. Throws ConfigError listing every dangling reference. */
export function applySeed(store: SandboxStore, doc: SeedDocument, flags: SandboxFlags, source: string): void {
  const problems: string[] = [];
  const ms = (value: string | null | undefined): number | undefined =>
    value === undefined || value === null ? undefined : Date.parse(value);
  const options = (param: string): AttributeOptions => ({
    nullClears: flags.nullClears,
    inferDatetime: flags.inferDatetime,
    listOpsDedupe: flags.listOpsDedupe,
    allowed: 'all',
    param,
  });
  const attrs = (scope: AttributeScope, values: Attributes | undefined, param: string): Attributes => {
    const result = applyAttributeChanges({}, values ?? {}, options(param));
    store.definitions.recordAttributes(scope, result.writes);
    return result.attributes;
  };

  for (const d of doc.attribute_definitions ?? []) {
    store.definitions.addAttribute({
      id: d.id ?? store.deps.newId(),
      seq: store.nextSeq(),
      created_at: ms(d.created_at) ?? store.deps.now(),
      name: d.name,
      display_name: d.display_name ?? d.name,
      description: d.description ?? null,
      data_type: d.data_type,
      scope: d.scope,
    });
  }
  for (const d of doc.event_definitions ?? []) {
    store.definitions.addEvent({
      id: d.id ?? store.deps.newId(),
      seq: store.nextSeq(),
      created_at: ms(d.created_at) ?? store.deps.now(),
      name: d.name,
      display_name: d.display_name ?? d.name,
      description: d.description ?? null,
    });
  }
  for (const [i, g] of (doc.groups ?? []).entries()) {
    if (store.groups.has(g.id)) {
      problems.push(`groups.${i}.id: duplicate group '${g.id}'`);
      continue;
    }
    store.putGroup(g.id, attrs('group', g.attributes, `groups.${i}.attributes`), ms(g.created_at));
  }
  for (const [i, u] of (doc.users ?? []).entries()) {
    if (store.users.has(u.id)) {
      problems.push(`users.${i}.id: duplicate user '${u.id}'`);
      continue;
    }
    store.putUser(u.id, attrs('user', u.attributes, `users.${i}.attributes`), ms(u.created_at));
    for (const [j, m] of (u.memberships ?? []).entries()) {
      const param = `users.${i}.memberships.${j}`;
      if (!store.groups.has(m.group_id)) {
        problems.push(`${param}.group_id: no group '${m.group_id}'`);
        continue;
      }
      store.putMembership(
        u.id,
        m.group_id,
        attrs('group_membership', m.attributes, `${param}.attributes`),
        ms(m.created_at),
      );
    }
  }
  for (const [i, c] of (doc.content ?? []).entries()) {
    if (store.content.has(c.id)) {
      problems.push(`content.${i}.id: duplicate content '${c.id}'`);
      continue;
    }
    store.insertContent({
      id: c.id,
      seq: store.nextSeq(),
      created_at: ms(c.created_at) ?? store.deps.now(),
      name: c.name,
      type: c.type,
      draft_version_id: c.draft_version_id ?? null,
      published_version_id: c.published_version_id ?? null,
    });
  }
  for (const [i, v] of (doc.content_versions ?? []).entries()) {
    if (!store.content.has(v.content_id)) {
      problems.push(`content_versions.${i}.content_id: no content '${v.content_id}'`);
      continue;
    }
    if (store.versions.has(v.id)) {
      problems.push(`content_versions.${i}.id: duplicate version '${v.id}'`);
      continue;
    }
    store.insertVersion({
      id: v.id,
      seq: store.nextSeq(),
      created_at: ms(v.created_at) ?? store.deps.now(),
      content_id: v.content_id,
      number: v.number,
      description: v.description ?? null,
      edited_at: ms(v.edited_at) ?? null,
      questions: v.questions ?? [],
      tasks: v.tasks ?? [],
    });
  }
  for (const [i, c] of (doc.content ?? []).entries()) {
    for (const field of ['draft_version_id', 'published_version_id'] as const) {
      const versionId = c[field];
      if (versionId && store.versions.get(versionId)?.content_id !== c.id) {
        problems.push(`content.${i}.${field}: no version '${versionId}' of this content`);
      }
    }
  }
  for (const [i, s] of (doc.content_sessions ?? []).entries()) {
    const param = `content_sessions.${i}`;
    if (!store.content.has(s.content_id)) {
      problems.push(`${param}.content_id: no content '${s.content_id}'`);
      continue;
    }
    if (store.versions.get(s.version_id)?.content_id !== s.content_id) {
      problems.push(`${param}.version_id: no version '${s.version_id}' of this content`);
      continue;
    }
    if (!store.users.has(s.user_id)) {
      problems.push(`${param}.user_id: no user '${s.user_id}'`);
      continue;
    }
    if (s.group_id && !store.groups.has(s.group_id)) {
      problems.push(`${param}.group_id: no group '${s.group_id}'`);
      continue;
    }
    if (store.sessions.has(s.id)) {
      problems.push(`${param}.id: duplicate session '${s.id}'`);
      continue;
    }
    const createdAt = ms(s.created_at) ?? store.deps.now();
    const tasks = store.versions.get(s.version_id)?.tasks ?? [];
    const unknownTask = (s.task_completions ?? []).find(
      (t) => !tasks.some((task) => task.cvid === t.task_cvid),
    );
    if (unknownTask) {
      problems.push(
        `${param}.task_completions: no task '${unknownTask.task_cvid}' in version '${s.version_id}'`,
      );
      continue;
    }
    const taskCompletions = (s.task_completions ?? []).map((t) => ({
      task_cvid: t.task_cvid,
      completed_at: ms(t.completed_at) as number,
    }));
    store.insertSession({
      id: s.id,
      seq: store.nextSeq(),
      created_at: createdAt,
      content_id: s.content_id,
      version_id: s.version_id,
      user_id: s.user_id,
      group_id: s.group_id ?? null,
      completed: s.completed ?? false,
      completed_at: ms(s.completed_at) ?? null,
      last_activity_at: ms(s.last_activity_at) ?? null,
      progress: s.progress ?? taskProgress(taskCompletions.length, tasks.length, s.task_completions),
      is_preview: s.is_preview ?? false,
      launcher_activated: s.launcher_activated ?? false,
      answers: (s.answers ?? []).map((a) => ({
        id: a.id ?? store.deps.newId(),
        created_at: ms(a.created_at) ?? createdAt,
        question_cvid: a.question_cvid,
        question_name: a.question_name ?? '',
        answer_type: a.answer_type,
        answer_value: a.answer_value,
      })),
      task_completions: taskCompletions,
    });
  }
  for (const [i, e] of (doc.events ?? []).entries()) {
    const param = `events.${i}`;
    if (e.user_id && !store.users.has(e.user_id)) {
      problems.push(`${param}.user_id: no user '${e.user_id}'`);
      continue;
    }
    if (e.group_id && !store.groups.has(e.group_id)) {
      problems.push(`${param}.group_id: no group '${e.group_id}'`);
      continue;
    }
    if (e.id !== undefined && store.events.has(e.id)) {
      problems.push(`${param}.id: duplicate event '${e.id}'`);
      continue;
    }
    const time = ms(e.time) ?? ms(e.created_at) ?? store.deps.now();
    store.addEvent(
      {
        name: e.name,
        user_id: e.user_id ?? null,
        group_id: e.group_id ?? null,
        attributes: attrs('event', e.attributes, `${param}.attributes`),
        time,
      },
      { id: e.id, created_at: ms(e.created_at) ?? time },
    );
    store.definitions.recordEventName(e.name);
  }
  for (const [i, w] of (doc.webhook_subscriptions ?? []).entries()) {
    if (store.webhookSubscriptions.has(w.id)) {
      problems.push(`webhook_subscriptions.${i}.id: duplicate subscription '${w.id}'`);
      continue;
    }
    store.webhookSubscriptions.insert({
      id: w.id,
      seq: store.nextSeq(),
      created_at: ms(w.created_at) ?? store.deps.now(),
      url: w.url,
      topics: w.topics,
      api_version: w.api_version ?? '2020-01-03',
      disabled: w.disabled ?? false,
      secret: w.secret,
    });
  }
  if (doc.counters) store.advanceCounters(doc.counters.seq, doc.counters.event_number);
  if (problems.length) throw new ConfigError(`Invalid sandbox seed ${source}`, problems);
}

/**
 * A checklist's progress as the share of its tasks done, as a decimal string (the tap types `progress` as a
 * string; "0.4286" over a longer expansion is a guess at the format). Null when the seed gives no task list.
 */
function taskProgress(done: number, total: number, given: readonly unknown[] | undefined): string | null {
  if (given === undefined || total === 0) return null;
  return String(Math.round((done / total) * 10_000) / 10_000);
}
