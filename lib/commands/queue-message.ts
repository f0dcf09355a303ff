// How an envelope rides the FIFO queue: grouped per user, deduplicated by its deterministic command id.
import type { Envelope } from './envelope.ts';
import { messageGroupId } from './message-group.ts';

export interface EnvelopeMessage {
  groupId: string;
  dedupeId: string;
  body: string;
}

export function envelopeMessage(envelope: Envelope): EnvelopeMessage {
  return { groupId: messageGroupId(envelope.command), dedupeId: envelope.id, body: JSON.stringify(envelope) };
}
