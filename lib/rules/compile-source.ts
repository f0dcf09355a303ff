// One source's compiled rules: patterns as matchers, values as templates, an index, and `evaluate`.
import { buildEnvelope, type Command, type Envelope } from '../commands/index.ts';
import type { VerifyConfig } from '../sources/verify-config.ts';
import { type CompiledAction, compileAction } from './actions.ts';
import { compileSplitter } from './event-shape.ts';
import type { EventConfig, TrailFileConfig } from './file-schema.ts';
import { isPlainObject, ownValue } from './json.ts';
import { compilePattern, type PatternNode } from './pattern/compile.ts';
import { compileMatcher, explainMismatch, type Matcher } from './pattern/match.ts';
import { RuleIndex } from './pattern/rule-index.ts';
import type { Report } from './report.ts';
import { type EvaluationContext, Skip } from './template.ts';
import type {
  CompiledSource,
  EvaluateOptions,
  Evaluation,
  RuleSummary,
  RuleTrace,
  SenderEvent,
  TrailSettings,
} from './types.ts';

interface CompiledRule extends RuleSummary {
  pattern: PatternNode;
  matches: Matcher;
  actions: CompiledAction[];
  /** All-or-nothing: any missing value or skipped command skips the whole rule (`strict: true`). */
  strict: boolean;
  /** Body paths that must hold a value, or the whole rule skips (`required: [...]`). */
  required: readonly (readonly string[])[];
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
  const required = (Array.isArray(raw.required) ? raw.required : [])
    .filter((path): path is string => typeof path === 'string')
    .map((path) => path.split('.'));
  return {
    ...summary,
    pattern,
    matches: compileMatcher(pattern),
    actions,
    strict: raw.strict === true,
    required,
  };
}

/** The first `required` path with no value (absent or null) in the payload, as written in the rule file. */
function missingRequired(rule: CompiledRule, payload: unknown): string | undefined {
  for (const path of rule.required) {
    const value = path.reduce<unknown>((current, key) => ownValue(current, key), payload);
    if (value === undefined || value === null) return path.join('.');
  }
  return undefined;
}

interface Built {
  commands: { index: number; command: Command }[];
  skipped: { action: number; reason: string }[];
}

/**
 * Builds each action on its own: a command that cannot be built (no user id, no event name) is skipped with its
 * reason and the rule's other commands still go out. A strict rule stops at the first skip and produces nothing.
 */
async function buildCommands(rule: CompiledRule, context: EvaluationContext): Promise<Built | Skip> {
  const built: Built = { commands: [], skipped: [] };
  const missing = missingRequired(rule, context.input);
  if (missing !== undefined) return new Skip(`required ${missing} has no value`);
  for (const [index, action] of rule.actions.entries()) {
    const command = await action.build(context, rule.strict);
    if (!(command instanceof Skip)) built.commands.push({ index, command });
    else if (rule.strict) return command;
    else built.skipped.push({ action: index, reason: command.reason });
  }
  return built;
}

export function buildSource(input: {
  name: string;
  file: string;
  samples?: string | undefined;
  verify: VerifyConfig;
  event: EventConfig;
  rules: CompiledRule[];
  trail?: TrailFileConfig | undefined;
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
      const built = await buildCommands(rule, context);
      if (built instanceof Skip) {
        trace.push({ rule: rule.name, matched: true, reason: `skipped: ${built.reason}`, commands: 0 });
        continue;
      }
      const { commands, skipped } = built;
      // The index is the action's place in the rule, not in what was built, so a skipped action never shifts
      // the ids (and so the dedupe keys) of the commands after it.
      for (const { index: commandIndex, command } of commands) {
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
      }
      const entry: RuleTrace = { rule: rule.name, matched: true, commands: commands.length };
      if (skipped.length > 0) {
        entry.reason = `skipped: ${skipped.map((skip) => skip.reason).join('; ')}`;
        entry.skipped = skipped;
      }
      trace.push(entry);
    }
    return { envelopes, trace };
  }

  return {
    name,
    file: input.file,
    ...(input.samples === undefined ? {} : { samples: input.samples }),
    verify: input.verify,
    event: input.event,
    rules: rules.map(({ name: ruleName, description, enabled }) =>
      description === undefined ? { name: ruleName, enabled } : { name: ruleName, description, enabled },
    ),
    trail: trailSettings(input.trail),
    splitEvents: compileSplitter(name, input.event),
    evaluate,
  };
}

function trailSettings(config: TrailFileConfig | undefined): TrailSettings {
  return {
    redact: (config?.redact ?? []).map((path) => path.split('.')),
    storeBody: config?.store_body ?? true,
  };
}

const noMatch = (rule: string, reason = 'did not match'): RuleTrace => ({
  rule,
  matched: false,
  reason,
  commands: 0,
});
