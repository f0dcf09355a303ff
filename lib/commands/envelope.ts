// The command envelope: the only thing that travels on the queue, validated with the same schema on both sides.
import * as z from 'zod';
import { type Command, command } from './command.ts';
import { commandId } from './command-id.ts';

export const ENVELOPE_VERSION = 1;

export const envelope = z.strictObject({
  /** Schema version of the envelope, so consumers can refuse what they do not understand. */
  v: z.literal(ENVELOPE_VERSION),
  /** Deterministic: the same webhook (or sync diff) always yields the same id. See `commandId`. */
  id: z.string().min(1).max(128),
  /** The source's URL segment (`stripe`), or `sync:<name>` for database sync. */
  source: z.string().min(1),
  /** The rule (or sync entity) that produced this command. */
  rule: z.string().min(1),
  /** The sender's event id (Stripe `evt_…`, Standard Webhooks `webhook-id`, …). */
  eventId: z.string().min(1),
  receivedAt: z.iso.datetime({ offset: true }),
  command,
});
export type Envelope = z.infer<typeof envelope>;

export interface EnvelopeInput {
  source: string;
  rule: string;
  eventId: string;
  /** Position of the command within what the rule (or sync diff) produced. */
  index: number;
  receivedAt: Date | string;
  command: Command;
}

/** The envelope of one command, its id derived from where the command came from (`commandId`). */
export function buildEnvelope(input: EnvelopeInput): Envelope {
  const receivedAt = typeof input.receivedAt === 'string' ? input.receivedAt : input.receivedAt.toISOString();
  return {
    v: ENVELOPE_VERSION,
    id: commandId(input.source, input.eventId, input.rule, input.index),
    source: input.source,
    rule: input.rule,
    eventId: input.eventId,
    receivedAt,
    command: input.command,
  };
}
