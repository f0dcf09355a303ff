// Request bodies of the three writes (POST /users, /groups, /events), reusing the queue's attribute value schemas.
import * as z from 'zod';
import { attributes, eventAttributes } from '../commands/attributes.ts';

/*
 * Bodies are loose so fields Userflow adds later still pass, but the documented fields are checked. The client does
 * not parse bodies at run time (the API is the judge, and tests must be able to send bad ones); the CLI parses
 * `--data` with these to turn obvious mistakes into usage errors.
 */

const id = z.string().min(1);

export const groupRef = z.looseObject({ id, attributes: attributes.optional() });
export type GroupRef = z.input<typeof groupRef>;

export const membershipRef = z.looseObject({ attributes: attributes.optional(), group: groupRef });
export type MembershipRef = z.input<typeof membershipRef>;

export const createOrUpdateUserBody = z
  .looseObject({
    id,
    attributes: attributes.optional(),
    /** Upserts each group and makes the user a member of it. */
    groups: z.array(groupRef).optional(),
    /** Like `groups`, with membership attributes (e.g. `role`). */
    memberships: z.array(membershipRef).optional(),
    /** Removes the user's memberships not listed in this request (official wording UNCONFIRMED). */
    prune_memberships: z.boolean().optional(),
  })
  .refine((body) => !(body.groups && body.memberships), {
    message: 'send at most one of groups or memberships',
    path: ['memberships'],
  });
export type CreateOrUpdateUserBody = z.input<typeof createOrUpdateUserBody>;

export const createOrUpdateGroupBody = z.looseObject({ id, attributes: attributes.optional() });
export type CreateOrUpdateGroupBody = z.input<typeof createOrUpdateGroupBody>;

export const trackEventBody = z
  .looseObject({
    name: z.string().min(1),
    user_id: id.optional(),
    group_id: id.optional(),
    attributes: eventAttributes.optional(),
    /** Back-dating support is UNCONFIRMED. */
    time: z.string().optional(),
  })
  .refine((body) => body.user_id !== undefined || body.group_id !== undefined, {
    message: 'an event needs a user_id, a group_id or both',
    path: ['user_id'],
  });
export type TrackEventBody = z.input<typeof trackEventBody>;

export interface RemoveMembershipParams {
  user_id: string;
  group_id: string;
}
