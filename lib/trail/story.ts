// What `events list` and `events show` print, as plain data: an intake and its attempts joined into one story.
// Pure, so the CLI's text and JSON forms and any later reader (console, agent tools) tell the same story.
import type { AttemptRecord, IntakeRecord, RuleDecision, TrailCommand } from './types.ts';

/** A command's outcome before delivery has made any attempt for it. */
export const QUEUED = 'queued';

export interface CommandStory extends TrailCommand {
  /** Its last attempt's outcome, or `queued` when delivery has not tried it yet. */
  outcome: string;
  /** Oldest first. */
  attempts: AttemptRecord[];
}

export interface EventStory {
  id: string;
  type?: string;
  /** What ingest did with the event: accepted, duplicate, failed, not_reached. */
  outcome: string;
  rules: RuleDecision[];
  commands: CommandStory[];
}

export interface Story {
  /** The request as received; its events are told below, joined with their attempts. */
  intake: Omit<IntakeRecord, 'events'>;
  events: EventStory[];
}

/**
 * A command no webhook produced (a sync's, a direct `userflow …` call's): there is no intake, only what was
 * sent to Userflow for it. `events show` tells it as `{ intake: null, events: [], commands: [...] }`.
 */
export interface CommandOnlyStory {
  intake: null;
  events: [];
  commands: CommandStory[];
}

/** Every command id an intake produced: what `attemptsFor` is asked about. */
export function commandIdsOf(intake: IntakeRecord): string[] {
  return intake.events.flatMap((event) => event.commands.map((command) => command.id));
}

export function tellStory(intake: IntakeRecord, attempts: readonly AttemptRecord[]): Story {
  const byCommand = new Map<string, AttemptRecord[]>();
  for (const attempt of attempts) {
    const list = byCommand.get(attempt.commandId) ?? [];
    list.push(attempt);
    byCommand.set(attempt.commandId, list);
  }
  const { events, ...rest } = intake;
  return {
    intake: rest,
    events: events.map((event) => ({
      id: event.id,
      ...(event.type !== undefined ? { type: event.type } : {}),
      outcome: event.outcome,
      rules: event.rules.map(({ name, decision, reason }) => ({
        name,
        decision,
        ...(reason !== undefined ? { reason } : {}),
      })),
      commands: event.commands.map((command) => {
        const tried = byCommand.get(command.id) ?? [];
        return { ...command, outcome: tried.at(-1)?.outcome ?? QUEUED, attempts: tried };
      }),
    })),
  };
}

/** Undefined when there are no attempts either: then nothing in the trail has that id. */
export function tellCommandStory(
  commandId: string,
  attempts: readonly AttemptRecord[],
): CommandOnlyStory | undefined {
  const last = attempts.at(-1);
  if (!last) return undefined;
  const command: CommandStory = {
    id: commandId,
    kind: last.action,
    ...(last.userId !== undefined ? { userId: last.userId } : {}),
    ...(last.groupId !== undefined ? { groupId: last.groupId } : {}),
    outcome: last.outcome,
    attempts: [...attempts],
  };
  return { intake: null, events: [], commands: [command] };
}

/**
 * One line of the story's end: how every command ended, or, for a request that produced none, its outcome
 * (`bad_signature`, `duplicate`, `accepted` with nothing to do).
 */
export function finalState(story: Story): string {
  const counts = new Map<string, number>();
  for (const event of story.events) {
    for (const command of event.commands) counts.set(command.outcome, (counts.get(command.outcome) ?? 0) + 1);
  }
  if (counts.size === 0) return `${story.intake.outcome}, no commands`;
  return [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
}

/** `events list --json`: one element per request, without headers and body (`events show` has them). */
export interface IntakeSummary {
  requestId: string;
  receivedAt: string;
  source: string;
  status: number;
  outcome: string;
  errorCode?: string;
  eventIds: string[];
  events: { id: string; type?: string; outcome: string; commands: TrailCommand[] }[];
  userIds: string[];
}

export function summarise(intake: IntakeRecord): IntakeSummary {
  return {
    requestId: intake.requestId,
    receivedAt: intake.receivedAt,
    source: intake.source,
    status: intake.status,
    outcome: intake.outcome,
    ...(intake.errorCode !== undefined ? { errorCode: intake.errorCode } : {}),
    eventIds: intake.eventIds,
    events: intake.events.map((event) => ({
      id: event.id,
      ...(event.type !== undefined ? { type: event.type } : {}),
      outcome: event.outcome,
      commands: event.commands,
    })),
    userIds: unique(intake.events.flatMap((event) => event.commands.map((command) => command.userId))),
  };
}

export function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: a duration back from now (`90s`, `15m`, `1h`, `7d`) or a date or instant (`2026-12-01`,
 * `2026-12-01T10:00:00Z`). Undefined when it is neither, so the caller names the flag in its error.
 */
export function parseSince(text: string, now: Date): Date | undefined {
  const relative = /^(\d+)([smhd])$/.exec(text.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * (UNITS[relative[2] ?? 's'] ?? 0));
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) return undefined;
  const at = new Date(text.trim());
  return Number.isNaN(at.getTime()) ? undefined : at;
}
