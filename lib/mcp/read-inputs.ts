// Input schemas of the read tools, checked against the client's own parameter types so the two cannot drift.
import * as z from 'zod';
import type {
  GetOptions,
  ListAttributeDefinitionsParams,
  ListContentParams,
  ListContentSessionsParams,
  ListContentVersionsParams,
  ListEventDefinitionsParams,
  ListGroupsParams,
  ListUsersParams,
} from '../userflow/requests.ts';

const expand = (known: string) =>
  z
    .array(z.string().min(1))
    .optional()
    .describe(`Related objects to include in the answer: ${known}. Leave out when not needed.`);

const id = (what: string, example: string) =>
  z.string().min(1).describe(`The ${what} id as Userflow knows it, e.g. "${example}".`);

const page = {
  limit: z.number().int().min(1).max(100).optional().describe('Page size, 1-100 (Userflow default 10).'),
  starting_after: z
    .string()
    .min(1)
    .optional()
    .describe('For the next page: the id of the last item of the previous page (when has_more was true).'),
  order_by: z
    .union([z.string().min(1), z.array(z.string().min(1))])
    .optional()
    .describe('Sort key such as "created_at" or "-created_at" (descending); several keys apply in order.'),
};

export const getInput = (what: string, example: string, known: string) =>
  z.strictObject({ id: id(what, example), expand: expand(known) });

export const listUsersInput = z.strictObject({
  email: z
    .string()
    .min(1)
    .optional()
    .describe('Only the user with exactly this email, e.g. "ada@example.com".'),
  ...page,
  expand: expand('memberships, groups'),
}) satisfies z.ZodType<ListUsersParams>;

export const listGroupsInput = z.strictObject({
  ...page,
  expand: expand('memberships, users'),
}) satisfies z.ZodType<ListGroupsParams>;

export const listContentInput = z.strictObject({
  type: z
    .string()
    .min(1)
    .optional()
    .describe('Only this kind of content: "flow", "checklist" or "launcher".'),
  ...page,
  expand: expand('draft_version, published_version'),
}) satisfies z.ZodType<ListContentParams>;

export const listContentVersionsInput = z.strictObject({
  content_id: z
    .string()
    .min(1)
    .optional()
    .describe('Only versions of this content (from userflow_list_content).'),
  ...page,
  expand: expand('questions, tasks'),
}) satisfies z.ZodType<ListContentVersionsParams>;

export const listContentSessionsInput = z.strictObject({
  content_id: z.string().min(1).optional().describe('Only sessions of this flow, checklist or launcher.'),
  user_id: z.string().min(1).optional().describe('Only sessions of this user: "what has Ada seen?"'),
  ...page,
  expand: expand('answers, content, group, version, user'),
}) satisfies z.ZodType<ListContentSessionsParams>;

export const listAttributeDefinitionsInput = z.strictObject({
  scope: z
    .string()
    .min(1)
    .optional()
    .describe('Only attributes of "user", "group", "group_membership" or "event".'),
  ...page,
}) satisfies z.ZodType<ListAttributeDefinitionsParams>;

export const listEventDefinitionsInput = z.strictObject({
  ...page,
}) satisfies z.ZodType<ListEventDefinitionsParams>;

/** The `id` of a get tool and its options, as the client's `getX(id, options)` takes them. */
export function getArgs(args: { id: string; expand?: string[] | undefined }): [string, GetOptions] {
  return [args.id, args.expand ? { expand: args.expand } : {}];
}
