// What running a command needs (the client, the rate-gated call runner, the lookup, effectively-once) and what it
// comes to: shared by the executor and the user resolution it starts with, so neither imports the other for it.
import type { UserflowAction, UserflowClient } from '../userflow/index.ts';
import type { UserLookupResolver } from './user-lookup.ts';

/** The client calls delivery makes; `UserflowClient` satisfies it, tests pass fakes. */
export type DeliveryClient = Pick<
  UserflowClient,
  | 'createOrUpdateUser'
  | 'createOrUpdateGroup'
  | 'getUser'
  | 'getGroup'
  | 'listUsers'
  | 'removeMembership'
  | 'trackEvent'
  | 'deleteUser'
  | 'deleteGroup'
>;

/** Runs one Userflow call through the rate limiter and the audit log; `request` is what it sends, for the trail. */
export type CallRunner = <T>(
  action: UserflowAction,
  call: () => Promise<T>,
  request?: Record<string, unknown>,
) => Promise<T>;

/** Runs `deliver` at most once per key (track_event); `replayed` when an earlier delivery already did. */
export type EffectivelyOnce = (key: string, deliver: () => Promise<void>) => Promise<{ replayed: boolean }>;

/**
 * What to make of a 404 on a delete (remove_membership, delete_user, delete_group). The product brief says
 * Userflow's deletes succeed when the thing is already gone, so a 404 should not happen; if it does, `gone`
 * treats it as done (the end state is what was asked) and `fail` dead-letters it for a human to look at.
 */
export type DeleteNotFound = 'gone' | 'fail';

export interface ExecutorContext {
  client: DeliveryClient;
  call: CallRunner;
  lookup: UserLookupResolver;
  once: EffectivelyOnce;
  /** The envelope's command id: the effectively-once key of a track_event. */
  commandId: string;
  deleteNotFound: DeleteNotFound;
}

export type ExecutionResult =
  | { outcome: 'delivered' }
  /** Nothing to do, by the command's own choice (lookup miss with `if_missing: skip`, `only_if_exists`). */
  | { outcome: 'skipped'; reason: string }
  /** A delete whose target was already gone. */
  | { outcome: 'already_gone' }
  /** A track_event this consumer already delivered (a redelivered message). */
  | { outcome: 'duplicate' };
