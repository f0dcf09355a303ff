// Sync diffs → ordinary commands in ordinary envelopes, so delivery treats sync exactly like webhooks.
import { createHash } from 'node:crypto';
import {
  type AttributeLiteral,
  buildEnvelope,
  type Command,
  type CommandOf,
  type Envelope,
} from '../commands/index.ts';
import { type EntityKind, splitMembershipKey } from './entity.ts';
import type { SyncFile } from './sync-file.ts';

export type SyncMode = SyncFile['mode'];

export interface ChangeInput {
  kind: EntityKind;
  key: string;
  change: 'created' | 'updated' | 'removed';
  attributes: Record<string, AttributeLiteral>;
  /** The entity hash after the change (or before it, for a removal): makes the command id deterministic. */
  hash: string;
}

export const syncSource = (syncName: string): string => `sync:${syncName}`;

/** The Userflow command for one change, or none (e.g. a removed user when deletes are off). */
export function commandFor(input: ChangeInput, mode: SyncMode, deletes: boolean): Command | undefined {
  const onlyIfExists = mode === 'update-only' ? { only_if_exists: true } : {};
  const attributes = Object.keys(input.attributes).length ? { attributes: input.attributes } : {};
  switch (input.kind) {
    case 'users':
      if (input.change === 'removed')
        return deletes ? { type: 'delete_user', user_id: input.key } : undefined;
      return { type: 'upsert_user', user_id: input.key, ...attributes, ...onlyIfExists };
    case 'groups':
      if (input.change === 'removed')
        return deletes ? { type: 'delete_group', group_id: input.key } : undefined;
      return { type: 'upsert_group', group_id: input.key, ...attributes, ...onlyIfExists };
    case 'memberships': {
      const { user_id, group_id } = splitMembershipKey(input.key);
      if (input.change === 'removed') return { type: 'remove_membership', user_id, group_id };
      return {
        type: 'add_membership',
        user_id,
        group_id,
        ...(Object.keys(input.attributes).length ? { membership_attributes: input.attributes } : {}),
        ...onlyIfExists,
      };
    }
  }
}

export function envelopeFor(
  syncName: string,
  input: ChangeInput,
  command: Command,
  runStartedAt: Date,
): Envelope {
  return buildEnvelope({
    source: syncSource(syncName),
    rule: input.kind,
    // Same entity, same content → same id: a run re-sent after a crash is dropped by the FIFO dedupe window.
    eventId: `${input.kind}:${input.key}:${input.change}:${input.hash}`,
    index: 0,
    receivedAt: runStartedAt,
    command,
  });
}

/**
 * Userflow documents no limit on how many memberships one `POST /users` may carry, so a user's memberships are
 * sent in upserts of at most this many: the largest size its API documents anywhere (a list page).
 */
export const MEMBERSHIPS_PER_UPSERT = 100;

/**
 * One user's changes as the fewest upserts: the user's attributes (when the user changed) and each changed
 * membership with its attributes, in `memberships` (the form that carries membership attributes). Each
 * membership's group is named by id only, as `add_membership` does: its attributes come from the groups pass.
 */
export function userUpsertsFor(
  userId: string,
  user: ChangeInput | undefined,
  memberships: readonly ChangeInput[],
  mode: SyncMode,
): CommandOf<'upsert_user'>[] {
  const onlyIfExists = mode === 'update-only' ? { only_if_exists: true } : {};
  const entries = memberships.map((m) => ({
    ...(Object.keys(m.attributes).length ? { attributes: m.attributes } : {}),
    group: { id: splitMembershipKey(m.key).group_id },
  }));
  const upserts: CommandOf<'upsert_user'>[] = [];
  for (let at = 0; at === 0 || at < entries.length; at += MEMBERSHIPS_PER_UPSERT) {
    const slice = entries.slice(at, at + MEMBERSHIPS_PER_UPSERT);
    upserts.push({
      type: 'upsert_user',
      user_id: userId,
      ...(at === 0 && user && Object.keys(user.attributes).length ? { attributes: user.attributes } : {}),
      ...(slice.length ? { memberships: slice } : {}),
      ...onlyIfExists,
    });
  }
  return upserts;
}

/**
 * The envelope of one folded upsert. Its event id is derived from every change it carries, so a run re-sent
 * after a crash yields the same id (dropped by the FIFO dedupe window) and a different fold never does.
 */
export function foldedEnvelopeFor(
  syncName: string,
  parts: readonly ChangeInput[],
  index: number,
  command: Command,
  runStartedAt: Date,
): Envelope {
  const [first] = parts as [ChangeInput];
  if (parts.length === 1 && index === 0) return envelopeFor(syncName, first, command, runStartedAt);
  const digest = createHash('sha256');
  for (const p of parts) digest.update(`${p.kind}:${p.key}:${p.change}:${p.hash}\n`);
  return buildEnvelope({
    source: syncSource(syncName),
    rule: first.kind,
    eventId: `${first.kind}:${first.key}:folded:${digest.digest('hex')}`,
    index,
    receivedAt: runStartedAt,
    command,
  });
}
