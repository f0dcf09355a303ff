// Public surface of the rules engine: load rule files, split webhook bodies into events, evaluate rules.
export { ACTIONS, type ActionKind } from './action-schema.ts';
export { type BacktestReport, backtest, type RuleDiff } from './backtest.ts';
export {
  type DecidedCommand,
  decisionsOf,
  type EventDecisions,
  ruleDecision,
  trailCommand,
} from './decisions.ts';
export { EventShapeError } from './errors.ts';
export { type EventConfig, type RuleFile, ruleFileJsonSchema, ruleFileSchema } from './file-schema.ts';
export { loadRules } from './load.ts';
export { parseRuleFiles, type RuleFileText } from './parse.ts';
export type {
  CompiledSource,
  EvaluateOptions,
  Evaluation,
  RuleSet,
  RuleSummary,
  RuleTrace,
  SenderEvent,
  TrailSettings,
} from './types.ts';
