// The Command union: what one rule (or one sync diff) asks of Userflow. Field names follow Userflow's REST API.
import * as z from 'zod';
import { attributes, eventAttributes } from './attributes.ts';

const id = z.string().min(1).max(1024);

/**
 * A user found at delivery time by one of their attributes (e.g. `stripe_customer_id`), for senders that do
 * not know the Userflow user id. `if_missing` says what delivery does when no user has that value.
 */
export const userLookup = z.strictObject({
  attribute: z.string().min(1),
  value: z.union([z.string().min(1), z.number()]),
  if_missing: z.enum(['skip', 'fail']).default('skip'),
});
export type UserLookup = z.infer<typeof userLookup>;

/** Exactly one of `user_id` or `user_lookup` names the user. */
const userRef = {
  user_id: id.optional(),
  user_lookup: userLookup.optional(),
};

const oneUser = (c: { user_id?: string | undefined; user_lookup?: UserLookup | undefined }) =>
  (c.user_id === undefined) !== (c.user_lookup === undefined);
const oneUserMessage = { message: 'give exactly one of user_id or user_lookup' };

const groupRef = z.strictObject({ id, attributes: attributes.optional() });

/**
 * Update-only: delivery first checks that the user (or group) exists in Userflow and skips the command when it
 * does not, because Userflow's upserts would otherwise create it. Used by `update-only` database syncs.
 */
const onlyIfExists = z.boolean().optional();

export const upsertUser = z
  .strictObject({
    type: z.literal('upsert_user'),
    ...userRef,
    attributes: attributes.optional(),
    groups: z.array(groupRef).optional(),
    memberships: z.array(z.strictObject({ attributes: attributes.optional(), group: groupRef })).optional(),
    only_if_exists: onlyIfExists,
  })
  .refine(oneUser, oneUserMessage)
  .refine((c) => !(c.groups && c.memberships), { message: 'give at most one of groups or memberships' });

export const upsertGroup = z.strictObject({
  type: z.literal('upsert_group'),
  group_id: id,
  attributes: attributes.optional(),
  only_if_exists: onlyIfExists,
});

export const addMembership = z
  .strictObject({
    type: z.literal('add_membership'),
    ...userRef,
    group_id: id,
    group_attributes: attributes.optional(),
    membership_attributes: attributes.optional(),
    only_if_exists: onlyIfExists,
  })
  .refine(oneUser, oneUserMessage);

export const removeMembership = z
  .strictObject({ type: z.literal('remove_membership'), ...userRef, group_id: id })
  .refine(oneUser, oneUserMessage);

export const trackEvent = z
  .strictObject({
    type: z.literal('track_event'),
    ...userRef,
    group_id: id.optional(),
    name: z.string().min(1).max(256),
    attributes: eventAttributes.optional(),
    time: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((c) => !(c.user_id !== undefined && c.user_lookup !== undefined), oneUserMessage)
  .refine((c) => c.user_id !== undefined || c.user_lookup !== undefined || c.group_id !== undefined, {
    message: 'a track_event needs a user (user_id or user_lookup) or a group_id',
  });

export const deleteUser = z
  .strictObject({ type: z.literal('delete_user'), ...userRef })
  .refine(oneUser, oneUserMessage);

export const deleteGroup = z.strictObject({ type: z.literal('delete_group'), group_id: id });

export const command = z.discriminatedUnion('type', [
  upsertUser,
  upsertGroup,
  addMembership,
  removeMembership,
  trackEvent,
  deleteUser,
  deleteGroup,
]);
export type Command = z.infer<typeof command>;
export type CommandInput = z.input<typeof command>;
export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

export const COMMAND_TYPES = command.options.map((o) => o.shape.type.value) as CommandType[];
