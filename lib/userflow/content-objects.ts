// Zod schemas of the read-only content objects (content, versions, sessions, answers), as Userflow documents them.
import * as z from 'zod';
import { group, user } from './objects.ts';
import { openEnum } from './open-enum.ts';

// Same policy as objects.ts: loose objects, documented fields required, relations `T | null`.
const timestamp = z.string();
const related = <T extends z.ZodType>(schema: T) => schema.nullable().default(null);

export const CONTENT_TYPES = ['flow', 'checklist', 'launcher'] as const;
export const ANSWER_TYPES = ['number', 'text', 'list'] as const;

/** Question and task shapes are UNCONFIRMED, so they are kept as opaque objects. */
export const contentQuestion = z.looseObject({});
export const contentTask = z.looseObject({});

const contentVersionBase = z.looseObject({
  id: z.string(),
  object: z.literal('content_version'),
  created_at: timestamp,
  number: z.number().int(),
  description: z.string().nullable(),
  edited_at: timestamp.nullable(),
});

export const contentVersion = contentVersionBase.extend({
  questions: related(z.array(contentQuestion)),
  tasks: related(z.array(contentTask)),
});
export type ContentVersion = z.infer<typeof contentVersion>;

const contentBase = z.looseObject({
  id: z.string(),
  object: z.literal('content'),
  created_at: timestamp,
  name: z.string(),
  type: openEnum(CONTENT_TYPES),
  draft_version_id: z.string().nullable(),
  published_version_id: z.string().nullable(),
});

export const content = contentBase.extend({
  draft_version: related(contentVersion),
  published_version: related(contentVersion),
});
export type Content = z.infer<typeof content>;

export const contentSessionAnswer = z.looseObject({
  id: z.string(),
  object: z.literal('content_session_answer'),
  created_at: timestamp,
  question_cvid: z.string(),
  question_name: z.string().nullable(),
  answer_type: openEnum(ANSWER_TYPES),
  /** A string in the tap's schema; whether list answers arrive as arrays is UNCONFIRMED, so both parse. */
  answer_value: z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()])), z.null()]),
});
export type ContentSessionAnswer = z.infer<typeof contentSessionAnswer>;

export const contentSession = z.looseObject({
  id: z.string(),
  object: z.literal('content_session'),
  created_at: timestamp,
  content_id: z.string(),
  content: related(contentBase),
  version_id: z.string(),
  version: related(contentVersionBase),
  user_id: z.string(),
  user: related(user),
  group_id: z.string().nullable(),
  group: related(group),
  completed: z.boolean(),
  completed_at: timestamp.nullable(),
  last_activity_at: timestamp.nullable(),
  /** A decimal string such as "0.5" per the tap's schema (exact format UNCONFIRMED). */
  progress: z.string().nullable(),
  is_preview: z.boolean(),
  launcher_activated: z.boolean(),
  answers: related(z.array(contentSessionAnswer)),
});
export type ContentSession = z.infer<typeof contentSession>;
