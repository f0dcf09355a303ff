// Sync diffs → ordinary commands in ordinary envelopes, so delivery treats sync exactly like webhooks.
import { type AttributeLiteral, buildEnvelope, type Command, type Envelope } from '../commands/index.ts';
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
