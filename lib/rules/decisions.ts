// What one event did under the rules, in the trail's shape (TrailEvent's rules and commands): `rules test` prints
// it and `rules backtest` compares it, so what a team reads offline is what the trail shows for live traffic.
import type { Command, Envelope } from '../commands/index.ts';
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

export function ruleDecision(trace: RuleTrace): RuleDecision {
  const skipped = trace.reason?.startsWith('skipped: ') ? trace.reason.slice('skipped: '.length) : undefined;
  if (trace.matched && trace.commands === 0 && skipped !== undefined) {
    return { name: trace.rule, decision: 'skipped', reason: skipped };
  }
  if (trace.matched)
    return skipped
      ? { name: trace.rule, decision: 'matched', reason: skipped }
      : { name: trace.rule, decision: 'matched' };
  return trace.reason
    ? { name: trace.rule, decision: 'no_match', reason: trace.reason }
    : { name: trace.rule, decision: 'no_match' };
}

export function trailCommand(envelope: Envelope): DecidedCommand {
  const { command } = envelope;
  const found: DecidedCommand = { id: envelope.id, kind: command.type, rule: envelope.rule, command };
  if ('user_id' in command && typeof command.user_id === 'string') found.userId = command.user_id;
  if ('group_id' in command && typeof command.group_id === 'string') found.groupId = command.group_id;
  return found;
}

export function decisionsOf(event: SenderEvent, evaluation: Evaluation): EventDecisions {
  return {
    id: event.id,
    ...(event.type === undefined ? {} : { type: event.type }),
    rules: evaluation.trace.map(ruleDecision),
    commands: evaluation.envelopes.map(trailCommand),
  };
}
