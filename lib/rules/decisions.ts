// What one event did under the rules, in the trail's shape (TrailEvent's rules and commands): `rules test` prints
// it and `rules backtest` compares it, so what a team reads offline is what the trail shows for live traffic.
import { type Command, commandSubject, type Envelope } from '../commands/index.ts';
import type { RuleDecision, TrailCommand } from '../trail/types.ts';
import type { Evaluation, RuleTrace, SenderEvent } from './types.ts';

/** A trail command, with the rule that made it and the command itself (what `rules test` is read for). */
export interface DecidedCommand extends TrailCommand {
  rule: string;
  command: Command;
}

export interface EventDecisions {
  id: string;
  type?: string;
  rules: RuleDecision[];
  commands: DecidedCommand[];
}

const SKIPPED = 'skipped: ';

/** A rule that matched and produced nothing because a value evaluated to nothing (or `required` failed). */
export function isSkipped(trace: RuleTrace): boolean {
  return trace.matched && trace.commands === 0 && trace.reason?.startsWith(SKIPPED) === true;
}

/**
 * The one reading of a trace entry as a decision (`rules test`, ingest's trail record, replay, backtest). A rule
 * whose other commands went out is `matched` and keeps why one of its actions was skipped.
 */
export function ruleDecision(trace: RuleTrace): RuleDecision {
  if (isSkipped(trace)) {
    return { name: trace.rule, decision: 'skipped', reason: (trace.reason ?? '').slice(SKIPPED.length) };
  }
  const decision = trace.matched ? 'matched' : 'no_match';
  return trace.reason === undefined
    ? { name: trace.rule, decision }
    : { name: trace.rule, decision, reason: trace.reason };
}

/** What the trail keeps of a queued command: its id, kind, and the user and group it is about. */
export function trailCommandOf(envelope: Pick<Envelope, 'id' | 'command'>): TrailCommand {
  return { id: envelope.id, kind: envelope.command.type, ...commandSubject(envelope.command) };
}

/** The trail command with the rule that made it and the command itself (what `rules test` is read for). */
export function trailCommand(envelope: Envelope): DecidedCommand {
  return { ...trailCommandOf(envelope), rule: envelope.rule, command: envelope.command };
}

export function decisionsOf(event: SenderEvent, evaluation: Evaluation): EventDecisions {
  return {
    id: event.id,
    ...(event.type === undefined ? {} : { type: event.type }),
    rules: evaluation.trace.map(ruleDecision),
    commands: evaluation.envelopes.map(trailCommand),
  };
}
