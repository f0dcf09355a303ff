// Turns stored records into Userflow's JSON objects: related fields are null unless expanded.

import type { ExpandTree } from './expand.ts';
import type {
  AttributeDefinitionObject,
  ContentObject,
  ContentSessionAnswerObject,
  ContentSessionObject,
  ContentVersionObject,
  EventDefinitionObject,
  EventObject,
  GroupObject,
  MembershipObject,
  UserObject,
  WebhookSubscriptionObject,
} from './objects.ts';
import type {
  AnswerRecord,
  AttributeDefinitionRecord,
  ContentRecord,
  ContentSessionRecord,
  ContentVersionRecord,
  EventDefinitionRecord,
  EventRecord,
  GroupRecord,
  MembershipRecord,
  UserRecord,
  WebhookSubscriptionRecord,
} from './records.ts';
import type { SandboxStore } from './store.ts';
import { formatTimestamp as ts } from './time.ts';

export class Renderer {
  constructor(
    private readonly store: SandboxStore,
    /** Show `task_completions` on content sessions (the `sessionTaskCompletions` flag). */
    private readonly taskCompletions = false,
  ) {}

  user(record: UserRecord, expand: ExpandTree = {}): UserObject {
    const memberships = expand.memberships;
    const groups = expand.groups;
    return {
      id: record.id,
      object: 'user',
      created_at: ts(record.created_at),
      attributes: { ...record.attributes },
      memberships: memberships
        ? this.store.membershipsOfUser(record.id).map((m) => this.membership(m, memberships))
        : null,
      groups: groups ? this.groupsOf(record.id).map((g) => this.group(g, groups)) : null,
    };
  }

  group(record: GroupRecord, expand: ExpandTree = {}): GroupObject {
    const memberships = expand.memberships;
    const users = expand.users;
    return {
      id: record.id,
      object: 'group',
      created_at: ts(record.created_at),
      attributes: { ...record.attributes },
      memberships: memberships
        ? this.store.membershipsOfGroup(record.id).map((m) => this.membership(m, memberships))
        : null,
      users: users ? this.usersOf(record.id).map((u) => this.user(u, users)) : null,
    };
  }

  membership(record: MembershipRecord, expand: ExpandTree = {}): MembershipObject {
    const group = expand.group ? this.store.groups.get(record.group_id) : undefined;
    const user = expand.user ? this.store.users.get(record.user_id) : undefined;
    return {
      object: 'group_membership',
      created_at: ts(record.created_at),
      attributes: { ...record.attributes },
      group_id: record.group_id,
      group: group && expand.group ? this.group(group, expand.group) : null,
      user_id: record.user_id,
      user: user && expand.user ? this.user(user, expand.user) : null,
    };
  }

  event(record: EventRecord, expand: ExpandTree = {}): EventObject {
    const user = expand.user && record.user_id !== null ? this.store.users.get(record.user_id) : undefined;
    const group =
      expand.group && record.group_id !== null ? this.store.groups.get(record.group_id) : undefined;
    return {
      id: record.id,
      object: 'event',
      name: record.name,
      attributes: { ...record.attributes },
      created_at: ts(record.created_at),
      time: ts(record.time),
      user_id: record.user_id,
      user: user && expand.user ? this.user(user, expand.user) : null,
      group_id: record.group_id,
      group: group && expand.group ? this.group(group, expand.group) : null,
    };
  }

  content(record: ContentRecord, expand: ExpandTree = {}): ContentObject {
    return {
      id: record.id,
      object: 'content',
      created_at: ts(record.created_at),
      name: record.name,
      type: record.type,
      draft_version_id: record.draft_version_id,
      draft_version: this.versionById(record.draft_version_id, expand.draft_version),
      published_version_id: record.published_version_id,
      published_version: this.versionById(record.published_version_id, expand.published_version),
    };
  }

  contentVersion(record: ContentVersionRecord, expand: ExpandTree = {}): ContentVersionObject {
    return {
      id: record.id,
      object: 'content_version',
      created_at: ts(record.created_at),
      content_id: record.content_id,
      number: record.number,
      description: record.description,
      edited_at: record.edited_at === null ? null : ts(record.edited_at),
      questions: expand.questions ? record.questions.map((q) => ({ object: 'question', ...q })) : null,
      tasks: expand.tasks ? record.tasks.map((t) => ({ object: 'task', ...t })) : null,
    };
  }

  contentSession(record: ContentSessionRecord, expand: ExpandTree = {}): ContentSessionObject {
    const content = expand.content ? this.store.content.get(record.content_id) : undefined;
    const user = expand.user ? this.store.users.get(record.user_id) : undefined;
    const group =
      expand.group && record.group_id !== null ? this.store.groups.get(record.group_id) : undefined;
    return {
      id: record.id,
      object: 'content_session',
      created_at: ts(record.created_at),
      content_id: record.content_id,
      content: content && expand.content ? this.content(content, expand.content) : null,
      version_id: record.version_id,
      version: this.versionById(record.version_id, expand.version),
      user_id: record.user_id,
      user: user && expand.user ? this.user(user, expand.user) : null,
      group_id: record.group_id,
      group: group && expand.group ? this.group(group, expand.group) : null,
      completed: record.completed,
      completed_at: record.completed_at === null ? null : ts(record.completed_at),
      last_activity_at: record.last_activity_at === null ? null : ts(record.last_activity_at),
      progress: record.progress,
      is_preview: record.is_preview,
      launcher_activated: record.launcher_activated,
      answers: expand.answers ? record.answers.map((a) => this.answer(a)) : null,
      ...(this.taskCompletions
        ? {
            task_completions: record.task_completions.map((t) => ({
              task_cvid: t.task_cvid,
              completed_at: ts(t.completed_at),
            })),
          }
        : {}),
    };
  }

  answer(record: AnswerRecord): ContentSessionAnswerObject {
    return {
      id: record.id,
      object: 'content_session_answer',
      created_at: ts(record.created_at),
      question_cvid: record.question_cvid,
      question_name: record.question_name,
      answer_type: record.answer_type,
      answer_value: record.answer_value,
    };
  }

  attributeDefinition(record: AttributeDefinitionRecord): AttributeDefinitionObject {
    return {
      id: record.id,
      object: 'attribute_definition',
      created_at: ts(record.created_at),
      name: record.name,
      display_name: record.display_name,
      description: record.description,
      data_type: record.data_type,
      scope: record.scope,
    };
  }

  eventDefinition(record: EventDefinitionRecord): EventDefinitionObject {
    return {
      id: record.id,
      object: 'event_definition',
      created_at: ts(record.created_at),
      name: record.name,
      display_name: record.display_name,
      description: record.description,
    };
  }

  webhookSubscription(record: WebhookSubscriptionRecord): WebhookSubscriptionObject {
    return {
      id: record.id,
      object: 'webhook_subscription',
      created_at: ts(record.created_at),
      url: record.url,
      topics: [...record.topics],
      api_version: record.api_version,
      disabled: record.disabled,
      secret: record.secret,
    };
  }

  private versionById(id: string | null, expand: ExpandTree | undefined): ContentVersionObject | null {
    if (!expand || id === null) return null;
    const version = this.store.versions.get(id);
    return version ? this.contentVersion(version, expand) : null;
  }

  private groupsOf(userId: string): GroupRecord[] {
    return this.store
      .membershipsOfUser(userId)
      .map((m) => this.store.groups.get(m.group_id))
      .filter((g): g is GroupRecord => g !== undefined);
  }

  private usersOf(groupId: string): UserRecord[] {
    return this.store
      .membershipsOfGroup(groupId)
      .map((m) => this.store.users.get(m.user_id))
      .filter((u): u is UserRecord => u !== undefined);
  }
}
