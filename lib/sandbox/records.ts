// The shapes the sandbox stores: plain JSON records, one per Userflow object, without the expandable fields.

export type AttributeLiteral = string | number | boolean | null;
export type AttributeValue = AttributeLiteral | AttributeLiteral[];
export type Attributes = Record<string, AttributeValue>;

export type DataType = 'string' | 'number' | 'boolean' | 'datetime' | 'list';
export type AttributeScope = 'user' | 'group' | 'group_membership' | 'event';

/** Every stored record: `seq` is a store-wide insertion counter used as the last ordering tiebreak. */
export interface BaseRecord {
  id: string;
  seq: number;
  /** Epoch ms. */
  created_at: number;
}

export interface UserRecord extends BaseRecord {
  attributes: Attributes;
}

export interface GroupRecord extends BaseRecord {
  attributes: Attributes;
}

/** Keyed by `${user_id}\u0000${group_id}`. */
export interface MembershipRecord extends BaseRecord {
  user_id: string;
  group_id: string;
  attributes: Attributes;
}

export interface EventRecord extends BaseRecord {
  name: string;
  user_id: string | null;
  group_id: string | null;
  attributes: Attributes;
  /** Epoch ms of when it happened (may be back-dated). */
  time: number;
}

export interface ContentRecord extends BaseRecord {
  name: string;
  type: string;
  draft_version_id: string | null;
  published_version_id: string | null;
}

export interface QuestionRecord {
  id: string;
  cvid: string;
  name: string;
  type: string;
  [extra: string]: unknown;
}

export interface TaskRecord {
  id: string;
  cvid: string;
  name: string;
  [extra: string]: unknown;
}

export interface ContentVersionRecord extends BaseRecord {
  content_id: string;
  number: number;
  description: string | null;
  edited_at: number | null;
  questions: QuestionRecord[];
  tasks: TaskRecord[];
}

export interface AnswerRecord {
  id: string;
  created_at: number;
  question_cvid: string;
  question_name: string;
  answer_type: string;
  answer_value: string;
}

export interface ContentSessionRecord extends BaseRecord {
  content_id: string;
  version_id: string;
  user_id: string;
  group_id: string | null;
  completed: boolean;
  completed_at: number | null;
  last_activity_at: number | null;
  progress: string | null;
  is_preview: boolean;
  launcher_activated: boolean;
  answers: AnswerRecord[];
  /** Which of the version's checklist tasks this user completed, and when (shown only under a flag). */
  task_completions: TaskCompletionRecord[];
}

export interface TaskCompletionRecord {
  task_cvid: string;
  completed_at: number;
}

export interface AttributeDefinitionRecord extends BaseRecord {
  name: string;
  display_name: string;
  description: string | null;
  data_type: string;
  scope: AttributeScope;
}

export interface EventDefinitionRecord extends BaseRecord {
  name: string;
  display_name: string;
  description: string | null;
}

export interface WebhookSubscriptionRecord extends BaseRecord {
  url: string;
  topics: string[];
  api_version: string;
  disabled: boolean;
  /** Signing secret for `Userflow-Signature` (notifications are not sent by the sandbox). */
  secret: string;
}

export function membershipKey(userId: string, groupId: string): string {
  return `${userId}\u0000${groupId}`;
}
