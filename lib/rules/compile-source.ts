// One source's compiled rules: patterns as matchers, values as templates, an index, and `evaluate`.
import { buildEnvelope, type Envelope } from '../commands/index.ts';
import type { VerifyConfig } from '../sources/verify-config.ts';
import { type CompiledAction, compileAction } from './actions.ts';
import { compileSplitter } from './event-shape.ts';
import type { EventConfig } from './file-schema.ts';
import { isPlainObject } from './json.ts';
import { compilePattern, type PatternNode } from './pattern/compile.ts';
import type { Report } from './pattern/leaf.ts';
import { compileMatcher, explainMismatch, type Matcher } from './pattern/match.ts';
import { RuleIndex } from './pattern/rule-index.ts';
import { type EvaluationContext, Skip } from './template.ts';
import type {
  CompiledSource,
  EvaluateOptions,
  Evaluation,
  RuleSummary,
  RuleTrace,
  SenderEvent,
} from './types.ts';

interface CompiledRule extends RuleSummary {
  pattern: PatternNode;
  matches: Matcher;
  actions: CompiledAction[];
}

/** Compiles the `when` and `do` of one raw rule; problems are reported with paths relative to the rule. */
export function compileRule(raw: unknown, report: Report): CompiledRule | undefined {
  if (!isPlainObject(raw)) return undefined;
  const pattern = compilePattern(raw.when ?? {}, 'when', report);
  const actions = (Array.isArray(raw.do) ? raw.do : [])
    .map((action, index) => compileAction(action, `do[${index}]`, report))
    .filter((action): action is CompiledAction => action !== undefined);
  const summary: RuleSummary = { name: String(raw.name), enabled: raw.enabled !== false };
  if (typeof raw.description === 'string') summary.description = raw.description;
  return { ...summary, pattern, matches: compileMatcher(pattern), actions };
}

export function buildSource(input: {
  name: string;
  file: string;
  verify: VerifyConfig;
  event: EventConfig;
  rules: CompiledRule[];
}): CompiledSource {
  const { name, rules } = input;
  const index = new RuleIndex(rules.map((rule) => (rule.enabled ? rule.pattern : undefined)));
  const everyRule = rules.map((_rule, position) => position);

  async function evaluate(
    event: SenderEvent,
    receivedAt: Date,
    options?: EvaluateOptions,
  ): Promise<Evaluation> {
    const explain = options?.explain === true;
    const context: EvaluationContext = {
      input: event.payload,
      bindings: {
        eventId: event.id,
        eventType: event.type,
        source: name,
        receivedAt: receivedAt.toISOString(),
      },
      memo: new Map(),
    };
    const envelopes: Envelope[] = [];
    const trace: RuleTrace[] = [];
    for (const position of explain ? everyRule : index.candidates(event.payload)) {
      const rule = rules[position] as CompiledRule;
      if (!rule.enabled) {
        trace.push({ rule: rule.name, matched: false, reason: 'disabled', commands: 0 });
        continue;
      }
      if (!rule.matches(event.payload)) {
        // Outside explain mode a miss is not traced: the trace stays as short as the list of rules that fired.
        if (explain) trace.push(noMatch(rule.name, explainMismatch(rule.pattern, event.payload)));
        continue;
      }
      try {
        const commands = [];
        for (const action of rule.actions) commands.push(await action.build(context));
        commands.forEach((command, commandIndex) => {
          envelopes.push(
            buildEnvelope({
              source: name,
              rule: rule.name,
              eventId: event.id,
              index: commandIndex,
              receivedAt,
              command,
            }),
          );
        });
        trace.push({ rule: rule.name, matched: true, commands: commands.length });
      } catch (error) {
        if (!(error instanceof Skip)) throw error;
        trace.push({ rule: rule.name, matched: true, reason: `skipped: ${error.reason}`, commands: 0 });
      }
    }
    return { envelopes, trace };
  }

  return {
    name,
    file: input.file,
    verify: input.verify,
    event: input.event,
    rules: rules.map(({ name: ruleName, description, enabled }) =>
      description === undefined ? { name: ruleName, enabled } : { name: ruleName, description, enabled },
    ),
    splitEvents: compileSplitter(name, input.event),
    evaluate,
  };
}

const noMatch = (rule: string, reason = 'did not match'): RuleTrace => ({
  rule,
  matched: false,
  reason,
  commands: 0,
});
