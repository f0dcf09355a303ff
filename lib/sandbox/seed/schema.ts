// The seed-file format (also the snapshot format): Userflow objects as JSON, timestamps as ISO 8601 strings.

import * as z from 'zod';

const timestamp = z.iso.datetime({ offset: true });
const literal = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const attributes = z.record(z.string().min(1), z.union([literal, z.array(literal)]));
const id = z.string().min(1);

export const seedMembershipSchema = z.strictObject({
  group_id: id,
  created_at: timestamp.optional(),
  attributes: attributes.optional(),
});

export const seedUserSchema = z.strictObject({
  id,
  created_at: timestamp.optional(),
  attributes: attributes.optional(),
  memberships: z.array(seedMembershipSchema).optional(),
});

export const seedGroupSchema = z.strictObject({
  id,
  created_at: timestamp.optional(),
  attributes: attributes.optional(),
});

export const seedContentSchema = z.strictObject({
  id,
  created_at: timestamp.optional(),
  name: z.string(),
  type: z.string().min(1),
  draft_version_id: id.nullable().optional(),
  published_version_id: id.nullable().optional(),
});

const question = z.looseObject({ id, cvid: z.string().min(1), name: z.string(), type: z.string() });
const task = z.looseObject({ id, cvid: z.string().min(1), name: z.string() });

export const seedContentVersionSchema = z.strictObject({
  id,
  content_id: id,
  number: z.number().int().nonnegative(),
  created_at: timestamp.optional(),
  edited_at: timestamp.nullable().optional(),
  description: z.string().nullable().optional(),
  questions: z.array(question).optional(),
  tasks: z.array(task).optional(),
});

export const seedAnswerSchema = z.strictObject({
  id: id.optional(),
  created_at: timestamp.optional(),
  question_cvid: z.string().min(1),
  question_name: z.string().optional(),
  answer_type: z.string().min(1),
  answer_value: z.string(),
});

export const seedContentSessionSchema = z.strictObject({
  id,
  content_id: id,
  version_id: id,
  user_id: id,
  group_id: id.nullable().optional(),
  created_at: timestamp.optional(),
  completed: z.boolean().optional(),
  completed_at: timestamp.nullable().optional(),
  last_activity_at: timestamp.nullable().optional(),
  progress: z.string().nullable().optional(),
  is_preview: z.boolean().optional(),
  launcher_activated: z.boolean().optional(),
  answers: z.array(seedAnswerSchema).optional(),
  /** Checklist progress per task; `progress` defaults to the share of the version's tasks listed here. */
  task_completions: z
    .array(z.strictObject({ task_cvid: z.string().min(1), completed_at: timestamp }))
    .optional(),
});

export const seedEventSchema = z
  .strictObject({
    id: id.optional(),
    name: z.string().min(1),
    user_id: id.nullable().optional(),
    group_id: id.nullable().optional(),
    attributes: attributes.optional(),
    time: timestamp.optional(),
    created_at: timestamp.optional(),
  })
  .refine((e) => e.user_id || e.group_id, { message: 'an event needs user_id, group_id or both' });

export const seedAttributeDefinitionSchema = z.strictObject({
  id: id.optional(),
  name: z.string().min(1),
  scope: z.enum(['user', 'group', 'group_membership', 'event']),
  data_type: z.string().min(1),
  display_name: z.string().optional(),
  description: z.string().nullable().optional(),
  created_at: timestamp.optional(),
});

export const seedEventDefinitionSchema = z.strictObject({
  id: id.optional(),
  name: z.string().min(1),
  display_name: z.string().optional(),
  description: z.string().nullable().optional(),
  created_at: timestamp.optional(),
});

export const seedWebhookSubscriptionSchema = z.strictObject({
  id,
  url: z.url(),
  topics: z.array(z.string().min(1)).min(1),
  api_version: z.string().optional(),
  disabled: z.boolean().optional(),
  secret: z.string().min(1),
  created_at: timestamp.optional(),
});

export const seedDocumentSchema = z.strictObject({
  $comment: z.string().optional(),
  /** Snapshots only: store counters, so ids keep increasing after a restart. */
  counters: z.strictObject({ seq: z.number().int(), event_number: z.number().int() }).optional(),
  attribute_definitions: z.array(seedAttributeDefinitionSchema).optional(),
  event_definitions: z.array(seedEventDefinitionSchema).optional(),
  groups: z.array(seedGroupSchema).optional(),
  users: z.array(seedUserSchema).optional(),
  content: z.array(seedContentSchema).optional(),
  content_versions: z.array(seedContentVersionSchema).optional(),
  content_sessions: z.array(seedContentSessionSchema).optional(),
  events: z.array(seedEventSchema).optional(),
  webhook_subscriptions: z.array(seedWebhookSubscriptionSchema).optional(),
});

export type SeedDocument = z.infer<typeof seedDocumentSchema>;
