// Who asked for a command and where it came from, read off its envelope, so every attempt names both.
import type { Command } from './command.ts';
import type { Envelope } from './envelope.ts';

/** A database sync's envelopes carry `source: sync:<name>` and the entity kind as their `rule`. */
const SYNC_PREFIX = 'sync:';

/** `sync:<name>` for a sync's command; `webhook:<source>` for a webhook's. */
export function envelopePrincipal(envelope: Pick<Envelope, 'source'>): string {
  return envelope.source.startsWith(SYNC_PREFIX) ? envelope.source : `webhook:${envelope.source}`;
}

/** `sync:<name>/<kind>` for a sync's command (the kind is what the run compared); `webhook:<source>` otherwise. */
export function envelopeOrigin(envelope: Pick<Envelope, 'source' | 'rule'>): string {
  return envelope.source.startsWith(SYNC_PREFIX)
    ? `${envelope.source}/${envelope.rule}`
    : `webhook:${envelope.source}`;
}

/**
 * The user and group a command is about, as it names them. A user found by lookup has no id until delivery
 * resolves it, so it is absent here; delivery adds the resolved one.
 */
export function commandSubject(command: Command): { userId?: string; groupId?: string } {
  const userId = 'user_id' in command ? command.user_id : undefined;
  let groupId = 'group_id' in command ? command.group_id : undefined;
  // An upsert that joins exactly one group is about that group too; with several, none is singled out.
  if (command.type === 'upsert_user') {
    const groups = command.groups ?? command.memberships?.map((m) => m.group) ?? [];
    if (groups.length === 1) groupId = groups[0]?.id;
  }
  return {
    ...(userId === undefined ? {} : { userId }),
    ...(groupId === undefined ? {} : { groupId }),
  };
}
