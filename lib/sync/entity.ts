// What sync reads: users, groups and memberships as keyed bags of Userflow attribute literals.
import type { AttributeLiteral } from '../commands/index.ts';

export const ENTITY_KINDS = ['groups', 'users', 'memberships'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** The columns each kind's query must return; every other column becomes an attribute. */
export const KEY_COLUMNS: Record<EntityKind, readonly string[]> = {
  users: ['id'],
  groups: ['id'],
  memberships: ['user_id', 'group_id'],
};

export interface MappedEntity {
  kind: EntityKind;
  /** Primary key: the id, or `user_id` US `group_id` for a membership (US = the ASCII unit separator). */
  key: string;
  /** The key columns' values as strings (`id`, or `user_id` and `group_id`). */
  ids: Record<string, string>;
  attributes: Record<string, AttributeLiteral>;
}

// Not NUL: PostgreSQL text (an opt-in state store) cannot hold it.
export const KEY_SEPARATOR = '\u001f';

export const membershipKey = (userId: string, groupId: string): string =>
  `${userId}${KEY_SEPARATOR}${groupId}`;

export function splitMembershipKey(key: string): { user_id: string; group_id: string } {
  const at = key.indexOf(KEY_SEPARATOR);
  return { user_id: key.slice(0, at), group_id: key.slice(at + 1) };
}
