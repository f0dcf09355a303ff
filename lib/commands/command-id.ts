// Deterministic command ids, so a redelivered webhook produces the same ids and FIFO dedupe drops the copies.
import { createHash } from 'node:crypto';

/** `cmd_` + 40 hex chars of sha256(source, eventId, rule, index): fits SQS's 128-char dedupe id. */
export function commandId(source: string, eventId: string, rule: string, index: number): string {
  const hash = createHash('sha256');
  for (const part of [source, eventId, rule, String(index)]) hash.update(part).update('\u0000');
  return `cmd_${hash.digest('hex').slice(0, 40)}`;
}

/**
 * The id a command gets when its event is replayed for the `replay`-th time (1, 2, …): a new id, so the queue's
 * dedupe and delivery's effectively-once store do not drop the replay as a copy of the original, and a
 * different one per replay, so two replays never collide. Derived, not random, so the trail can name it ahead.
 */
export function replayCommandId(originalId: string, replay: number): string {
  const hash = createHash('sha256');
  for (const part of ['replay', originalId, String(replay)]) hash.update(part).update('\u0000');
  return `cmd_${hash.digest('hex').slice(0, 40)}`;
}
