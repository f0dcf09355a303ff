// Which Userflow user a command is about: the `user_id` it names, or whoever its `user_lookup` finds — resolved
// once, before the command's own call, so the record's audit and trail can name the user.
import type { Command } from '../commands/index.ts';
import { DeliveryError } from './errors.ts';
import type { ExecutorContext } from './execution.ts';

export type CommandUser =
  /** `userId` is undefined for a command about no user (a group, or a group's event). */
  | { kind: 'user'; userId: string | undefined }
  /** A lookup found no one and the rule says skip (`if_missing: skip`). */
  | { kind: 'missing' };

/** Throws `lookup_not_found` on a miss with `if_missing: fail`, `lookup_ambiguous` when several users match. */
export async function resolveCommandUser(
  command: Command,
  ctx: Pick<ExecutorContext, 'client' | 'call' | 'lookup'>,
): Promise<CommandUser> {
  const lookup = 'user_lookup' in command ? command.user_lookup : undefined;
  if (lookup === undefined)
    return { kind: 'user', userId: 'user_id' in command ? command.user_id : undefined };
  const userId = await ctx.lookup.resolve(lookup, (params) =>
    ctx.call('listUsers', () => ctx.client.listUsers(params), { ...params }),
  );
  if (userId !== undefined) return { kind: 'user', userId };
  if (lookup.if_missing === 'fail') {
    throw new DeliveryError(
      'lookup_not_found',
      `no Userflow user has ${lookup.attribute} = the looked-up value`,
    );
  }
  return { kind: 'missing' };
}
