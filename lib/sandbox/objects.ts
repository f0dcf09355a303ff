// The JSON objects the sandbox answers with, in the shapes Userflow documents, typed for tests that read the store.

import type { Attributes } from './records.ts';

export interface UserObject {
  id: string;
  object: 'user';
  created_at: string;
  attributes: Attributes;
  memberships: MembershipObject[] | null;
  groups: GroupObject[] | null;
}

export interface GroupObject {
  id: string;
  object: 'group';
  created_at: string;
  attributes: Attributes;
  memberships: MembershipObject[] | null;
  users: UserObject[] | null;
}

export interface MembershipObject {
  object: 'group_membership';
  created_at: string;
  attributes: Attributes;
  group_id: string;
  group: GroupObject | null;
  user_id: string;
  user: UserObject | null;
}

export interface EventObject {
  id: string;
  object: 'event';
  name: string;
  attributes: Attributes;
  created_at: string;
  time: string;
  user_id: string | null;
  user: UserObject | null;
  group_id: string | null;
  group: GroupObject | null;
}

export interface ContentObject {
  id: string;
  object: 'content';
  created_at: string;
  name: string;
  type: string;
  draft_version_id: string | null;
  draft_version: ContentVersionObject | null;
  published_version_id: string | null;
  published_version: ContentVersionObject | null;
}

export interface ContentVersionObject {
  id: string;
  object: 'content_version';
  created_at: string;
  content_id: string;
  number: number;
  description: string | null;
  edited_at: string | null;
  questions: Record<string, unknown>[] | null;
  tasks: Record<string, unknown>[] | null;
}

export interface ContentSessionAnswerObject {
  id: string;
  object: 'content_session_answer';
  created_at: string;
  question_cvid: string;
  question_name: string;
  answer_type: string;
  answer_value: string;
}

export interface ContentSessionObject {
  id: string;
  object: 'content_session';
  created_at: string;
  content_id: string;
  content: ContentObject | null;
  version_id: string;
  version: ContentVersionObject | null;
  user_id: string;
  user: UserObject | null;
  group_id: string | null;
  group: GroupObject | null;
  completed: boolean;
  completed_at: string | null;
  last_activity_at: string | null;
  progress: string | null;
  is_preview: boolean;
  launcher_activated: boolean;
  answers: ContentSessionAnswerObject[] | null;
  /** Only with the `sessionTaskCompletions` flag: no public source shows per-task completion on a session. */
  task_completions?: { task_cvid: string; completed_at: string }[];
}

export interface AttributeDefinitionObject {
  id: string;
  object: 'attribute_definition';
  created_at: string;
  name: string;
  display_name: string;
  description: string | null;
  data_type: string;
  scope: string;
}

export interface EventDefinitionObject {
  id: string;
  object: 'event_definition';
  created_at: string;
  name: string;
  display_name: string;
  description: string | null;
}

export interface WebhookSubscriptionObject {
  id: string;
  object: 'webhook_subscription';
  created_at: string;
  url: string;
  topics: string[];
  api_version: string;
  disabled: boolean;
  secret: string;
}
