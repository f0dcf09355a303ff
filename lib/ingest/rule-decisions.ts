// Each rule's decision for one event, as `rules test` words it: matched, no_match, or skipped with its reason.
// Built from the trace ingest already has (only the rules that fired) plus the source's rule list, so recording
// every rule costs no explain-mode evaluation.
import type { RuleSummary, RuleTrace } from '../rules/types.ts';
import type { RuleDecision } from '../trail/types.ts';

const SKIPPED = 'skipped: ';

/** A rule that matched and produced nothing because a value evaluated to nothing (or `required` failed). */
export function isSkipped(entry: RuleTrace): boolean {
  return entry.matched && entry.commands === 0 && entry.reason?.startsWith(SKIPPED) === true;
}

export function decisionOf(entry: RuleTrace): RuleDecision {
  if (isSkipped(entry))
    return { name: entry.rule, decision: 'skipped', reason: (entry.reason ?? '').slice(SKIPPED.length) };
  // A rule whose other commands went out keeps the reason: which of its actions were skipped, and why.
  if (entry.matched) return withReason({ name: entry.rule, decision: 'matched' }, entry.reason);
  return withReason({ name: entry.rule, decision: 'no_match' }, entry.reason);
}

/**
 * Every rule of the source in file order: a rule absent from the trace did not match (the index ruled it out),
 * or is disabled. Without the rule list, the traced rules alone.
 */
export function ruleDecisions(
  trace: readonly RuleTrace[],
  rules: readonly RuleSummary[] | undefined,
): RuleDecision[] {
  if (!rules) return trace.map(decisionOf);
  const traced = new Map(trace.map((entry) => [entry.rule, entry]));
  return rules.map((rule) => {
    const entry = traced.get(rule.name);
    if (entry) return decisionOf(entry);
    return rule.enabled
      ? { name: rule.name, decision: 'no_match' }
      : { name: rule.name, decision: 'no_match', reason: 'disabled' };
  });
}

function withReason(decision: RuleDecision, reason: string | undefined): RuleDecision {
  return reason === undefined ? decision : { ...decision, reason };
}
