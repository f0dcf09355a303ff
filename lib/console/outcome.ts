// What badge an intake gets: the request's own outcome, then what delivery made of its commands. Pure.
import type { AttemptRecord, IntakeRecord } from '../trail/index.ts';
import { REPLAYED } from '../trail/replay.ts';

export const DISPLAY_OUTCOMES = [
  'delivered',
  'queued',
  'retrying',
  'dead-lettered',
  'skipped',
  'duplicate',
  'rejected',
] as const;
export type DisplayOutcome = (typeof DISPLAY_OUTCOMES)[number];

/** Every badge the events list shows: a webhook's, then a sync run's (`running` … `failed`) and a direct call's. */
export const FEED_OUTCOMES = [
  ...DISPLAY_OUTCOMES,
  'running',
  'completed',
  'dry-run',
  'refused',
  'failed',
] as const;

/**
 * A refused request is `rejected`, a re-sent one `duplicate`. An accepted one is as good as its worst command:
 * any dead letter wins, then a command still being retried, then one not tried yet; all delivered is
 * `delivered`, and an event no rule turned into commands is `skipped`.
 */
export function displayOutcome(intake: IntakeRecord, attempts: readonly AttemptRecord[]): DisplayOutcome {
  if (intake.outcome === 'duplicate') return 'duplicate';
  // A replay record is an accepted request of its own, made by an operator rather than the sender.
  if (intake.outcome !== 'accepted' && intake.outcome !== REPLAYED) return 'rejected';
  const commands = intake.events.flatMap((event) => event.commands.map((command) => command.id));
  if (commands.length === 0) return 'skipped';
  const last = lastAttempts(attempts);
  const finals = commands.map((id) => last.get(id)?.outcome);
  if (finals.some((o) => o === 'dead_lettered')) return 'dead-lettered';
  if (finals.some((o) => o === 'retry')) return 'retrying';
  if (finals.some((o) => o === undefined)) return 'queued';
  if (finals.every((o) => o === 'skipped')) return 'skipped';
  return 'delivered';
}

/** The newest attempt of each command (attempts arrive oldest first from `attemptsFor`). */
export function lastAttempts(attempts: readonly AttemptRecord[]): Map<string, AttemptRecord> {
  const last = new Map<string, AttemptRecord>();
  for (const a of attempts) {
    const seen = last.get(a.commandId);
    if (!seen || seen.at < a.at || (seen.at === a.at && seen.attempt <= a.attempt)) last.set(a.commandId, a);
  }
  return last;
}

export function commandIds(intakes: readonly IntakeRecord[]): string[] {
  return intakes.flatMap((i) => i.events.flatMap((e) => e.commands.map((c) => c.id)));
}

export function usersOf(intake: IntakeRecord): string[] {
  const users = new Set<string>();
  for (const event of intake.events) for (const c of event.commands) if (c.userId) users.add(c.userId);
  return [...users];
}
