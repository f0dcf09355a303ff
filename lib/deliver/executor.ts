// Maps each Command kind to its Userflow calls: resolve the user, check existence when asked, then the one write.
import type { Command, CommandOf } from '../commands/index.ts';
import { isNotFound } from './classify.ts';
import { resolveCommandUser } from './command-user.ts';
import type { ExecutionResult, ExecutorContext } from './execution.ts';

export type {
  CallRunner,
  DeleteNotFound,
  DeliveryClient,
  EffectivelyOnce,
  ExecutionResult,
  ExecutorContext,
} from './execution.ts';

/** Resolves the command's user, then makes its call: the two steps of `runCommand` and `resolveCommandUser`. */
export async function executeCommand(command: Command, ctx: ExecutorContext): Promise<ExecutionResult> {
  const user = await resolveCommandUser(command, ctx);
  return user.kind === 'missing' ? skipped('lookup_not_found') : runCommand(command, user.userId, ctx);
}

/** The command's Userflow write, for the user already resolved (`userId`; undefined for a group command). */
export async function runCommand(
  command: Command,
  userId: string | undefined,
  ctx: ExecutorContext,
): Promise<ExecutionResult> {
  switch (command.type) {
    case 'upsert_user':
      return withUser(userId, async (userId) => {
        if (command.only_if_exists && !(await userExists(userId, ctx))) return skipped('user_missing');
        const body = {
          id: userId,
          ...(command.attributes ? { attributes: command.attributes } : {}),
          ...(command.groups ? { groups: command.groups } : {}),
          ...(command.memberships ? { memberships: command.memberships } : {}),
        };
        await ctx.call('createOrUpdateUser', () => ctx.client.createOrUpdateUser(body), body);
        return delivered;
      });
    case 'upsert_group': {
      if (command.only_if_exists && !(await groupExists(command.group_id, ctx)))
        return skipped('group_missing');
      const body = {
        id: command.group_id,
        ...(command.attributes ? { attributes: command.attributes } : {}),
      };
      await ctx.call('createOrUpdateGroup', () => ctx.client.createOrUpdateGroup(body), body);
      return delivered;
    }
    case 'add_membership':
      return withUser(userId, async (userId) => {
        if (command.only_if_exists && !(await userExists(userId, ctx))) return skipped('user_missing');
        const body = membershipBody(command, userId);
        await ctx.call('createOrUpdateUser', () => ctx.client.createOrUpdateUser(body), body);
        return delivered;
      });
    case 'remove_membership':
      return withUser(userId, (userId) =>
        deleting(ctx, () => {
          const body = { user_id: userId, group_id: command.group_id };
          return ctx.call('removeMembership', () => ctx.client.removeMembership(body), body);
        }),
      );
    case 'track_event':
      return trackEvent(command, userId, ctx);
    case 'delete_user':
      return withUser(userId, async (userId) => {
        const result = await deleting(ctx, () =>
          ctx.call('deleteUser', () => ctx.client.deleteUser(userId), { id: userId }),
        );
        if (command.user_lookup) ctx.lookup.forget(command.user_lookup);
        return result;
      });
    case 'delete_group':
      return deleting(ctx, () =>
        ctx.call('deleteGroup', () => ctx.client.deleteGroup(command.group_id), { id: command.group_id }),
      );
  }
}

const delivered: ExecutionResult = { outcome: 'delivered' };
const skipped = (reason: string): ExecutionResult => ({ outcome: 'skipped', reason });

/** Membership attributes need the `memberships` form of the upsert; without them `groups` is enough. */
function membershipBody(command: CommandOf<'add_membership'>, userId: string) {
  const group = {
    id: command.group_id,
    ...(command.group_attributes ? { attributes: command.group_attributes } : {}),
  };
  return command.membership_attributes
    ? { id: userId, memberships: [{ attributes: command.membership_attributes, group }] }
    : { id: userId, groups: [group] };
}

async function trackEvent(
  command: CommandOf<'track_event'>,
  userId: string | undefined,
  ctx: ExecutorContext,
): Promise<ExecutionResult> {
  const body = {
    name: command.name,
    ...(userId === undefined ? {} : { user_id: userId }),
    ...(command.group_id === undefined ? {} : { group_id: command.group_id }),
    ...(command.attributes ? { attributes: command.attributes } : {}),
    ...(command.time ? { time: command.time } : {}),
  };
  const { replayed } = await ctx.once(ctx.commandId, async () => {
    await ctx.call('trackEvent', () => ctx.client.trackEvent(body), body);
  });
  return replayed ? { outcome: 'duplicate' } : delivered;
}

/** A user command whose lookup found no one (and said skip) has nothing to do. */
async function withUser(
  userId: string | undefined,
  then: (userId: string) => Promise<ExecutionResult>,
): Promise<ExecutionResult> {
  return userId === undefined ? skipped('lookup_not_found') : then(userId);
}

async function deleting(ctx: ExecutorContext, remove: () => Promise<unknown>): Promise<ExecutionResult> {
  try {
    await remove();
    return delivered;
  } catch (error) {
    if (ctx.deleteNotFound === 'gone' && isNotFound(error)) return { outcome: 'already_gone' };
    throw error;
  }
}

async function userExists(userId: string, ctx: ExecutorContext): Promise<boolean> {
  return exists(() => ctx.call('getUser', () => ctx.client.getUser(userId), { id: userId }));
}

async function groupExists(groupId: string, ctx: ExecutorContext): Promise<boolean> {
  return exists(() => ctx.call('getGroup', () => ctx.client.getGroup(groupId), { id: groupId }));
}

async function exists(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
