// A user's current state through the Userflow client (attributes and group memberships), for the user page.
import { UserflowNotFoundError } from '../userflow/errors.ts';
import type { UserflowClient } from '../userflow/index.ts';
import type { UserState } from './deps.ts';

export function userStateFrom(
  client: Pick<UserflowClient, 'getUser'>,
): (id: string) => Promise<UserState | undefined> {
  return async (id) => {
    try {
      const user = await client.getUser(id, { expand: ['memberships'] });
      const memberships = (user.memberships ?? []) as { group_id?: string; group?: { id?: string } | null }[];
      return {
        attributes: user.attributes,
        groups: memberships.map((m) => m.group?.id ?? m.group_id ?? '?'),
      };
    } catch (error) {
      if (error instanceof UserflowNotFoundError) return undefined;
      throw error;
    }
  };
}
