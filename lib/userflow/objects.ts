// Zod schemas of the Users API objects (user, group, membership, event, definitions, list), as Userflow documents them.
import * as z from 'zod';
import { openEnum } from './open-enum.ts';

/*
 * Parsing policy: objects are loose (unknown extra fields pass through), fields the reference documents as always
 * present are required, related objects are `T | null` (null unless expanded; an absent one reads as null), and
 * fields the reference marks UNCONFIRMED are optional. Expanded relations are typed one level deep: a group inside
 * `user.groups` is a plain group whose own relations are left as they came.
 */

const timestamp = z.string();
const related = <T extends z.ZodType>(schema: T) => schema.nullable().default(null);

/** An attribute value as Userflow returns it: a literal or a list (datetimes are ISO strings). */
export const attributeValueOut = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
]);
export const attributesOut = z.record(z.string(), attributeValueOut);
export type AttributesOut = z.infer<typeof attributesOut>;

const userBase = z.looseObject({
  id: z.string(),
  object: z.literal('user'),
  created_at: timestamp,
  attributes: attributesOut,
});

const groupBase = z.looseObject({
  id: z.string(),
  object: z.literal('group'),
  created_at: timestamp,
  attributes: attributesOut,
});

/** Only `attributes` and the embedded `group` are documented; the other fields are inferred (UNCONFIRMED). */
const membershipBase = z.looseObject({
  object: z.string().optional(),
  id: z.string().optional(),
  created_at: timestamp.optional(),
  attributes: attributesOut,
  group_id: z.string().optional(),
  user_id: z.string().optional(),
});

export const groupMembership = membershipBase.extend({
  group: related(groupBase),
  user: related(userBase),
});
export type GroupMembership = z.infer<typeof groupMembership>;

export const user = userBase.extend({
  memberships: related(z.array(groupMembership)),
  groups: related(z.array(groupBase)),
});
export type User = z.infer<typeof user>;

export const group = groupBase.extend({
  memberships: related(z.array(groupMembership)),
  users: related(z.array(userBase)),
});
export type Group = z.infer<typeof group>;

export const event = z.looseObject({
  id: z.string(),
  object: z.literal('event'),
  name: z.string(),
  attributes: attributesOut,
  created_at: timestamp,
  /** Present in the webhook sample; whether the API always returns it is UNCONFIRMED. */
  time: timestamp.nullable().optional(),
  user_id: z.string().nullable(),
  user: related(userBase),
  group_id: z.string().nullable(),
  group: related(groupBase),
});
export type Event = z.infer<typeof event>;

export const ATTRIBUTE_DATA_TYPES = [
  'string',
  'number',
  'boolean',
  'datetime',
  'list',
  'checklist_task',
  'content',
  'content_session',
  'content_version',
  'flow_step',
  'random_ab',
  'random_number',
] as const;
export const ATTRIBUTE_SCOPES = ['user', 'group', 'group_membership', 'event'] as const;

export const attributeDefinition = z.looseObject({
  id: z.string(),
  object: z.literal('attribute_definition'),
  created_at: timestamp,
  name: z.string(),
  display_name: z.string(),
  description: z.string().nullable(),
  data_type: openEnum(ATTRIBUTE_DATA_TYPES),
  scope: openEnum(ATTRIBUTE_SCOPES),
});
export type AttributeDefinition = z.infer<typeof attributeDefinition>;

export const eventDefinition = z.looseObject({
  id: z.string(),
  object: z.literal('event_definition'),
  created_at: timestamp,
  name: z.string(),
  display_name: z.string(),
  description: z.string().nullable(),
});
export type EventDefinition = z.infer<typeof eventDefinition>;

/** `{ data, has_more, next_page_url }`; the form of `next_page_url` (path or absolute URL) is UNCONFIRMED. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    data: z.array(item),
    has_more: z.boolean(),
    next_page_url: z.string().nullable().optional(),
  });
export interface ListPage<T> {
  data: T[];
  has_more: boolean;
  next_page_url?: string | null | undefined;
  [extra: string]: unknown;
}

/**
 * What a DELETE returns. The body is UNCONFIRMED (likely `{ id, object, deleted: true }`, maybe empty): the client
 * reads an empty 2xx body as `{ deleted: true }`.
 */
export const deleted = z.looseObject({
  id: z.string().optional(),
  object: z.string().optional(),
  deleted: z.boolean().optional(),
});
export type Deleted = z.infer<typeof deleted>;
