// Each rule's decision for one event, as `rules test` words it: matched, no_match, or skipped with its reason.
// Built from the trace ingest already has (only the rules that fired) plus the source's rule list, so recording
// every rule costs no explain-mode evaluation.
import { ruleDecision } from '../rules/decisions.ts';
import type { RuleSummary, RuleTrace } from '../rules/types.ts';
import type { RuleDecision } from '../trail/types.ts';

/**
 * Every rule of the source in file order: a rule absent from the trace did not match (the index ruled it out),
 * or is disabled. Without the rule list, the traced rules alone.
 */
export function ruleDecisions(
  trace: readonly RuleTrace[],
  rules: readonly RuleSummary[] | undefined,
): RuleDecision[] {
  if (!rules) return trace.map(ruleDecision);
  const traced = new Map(trace.map((entry) => [entry.rule, entry]));
  return rules.map((rule) => {
    const entry = traced.get(rule.name);
    if (entry) return ruleDecision(entry);
    return rule.enabled
      ? { name: rule.name, decision: 'no_match' }
      : { name: rule.name, decision: 'no_match', reason: 'disabled' };
  });
}
