// Which FIFO message group a command belongs to: per user, so one user's commands are applied in order.
import { createHash } from 'node:crypto';
import type { Command } from './command.ts';

// SQS allows 1-128 chars of alphanumerics and ASCII punctuation in MessageGroupId.
const SQS_GROUP_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The user id when the command names one; the lookup (`attribute=value`) when the user is found at delivery;
 * the group id for group-only commands. Ids SQS would reject are hashed (stable, so ordering still holds).
 */
export function messageGroupId(command: Command): string {
  return safe(rawGroupKey(command));
}

function rawGroupKey(command: Command): string {
  if ('user_id' in command && command.user_id !== undefined) return command.user_id;
  if ('user_lookup' in command && command.user_lookup !== undefined) {
    return `lookup:${command.user_lookup.attribute}=${command.user_lookup.value}`;
  }
  if ('group_id' in command && command.group_id !== undefined) return command.group_id;
  // Unreachable for a valid command: the schema requires a user or a group on every kind.
  throw new TypeError(`command ${command.type} names neither a user nor a group`);
}

function safe(key: string): string {
  if (SQS_GROUP_ID.test(key)) return key;
  return `h:${createHash('sha256').update(key).digest('hex')}`;
}
