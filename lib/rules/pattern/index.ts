// Public surface of the EventBridge-pattern engine: compile a pattern, match (and explain a mismatch), and the
// index that finds the rules a source's event can match.
export { compilePattern, type PatternNode } from './compile.ts';
export { compileMatcher, explainMismatch, type Matcher, matchNode } from './match.ts';
export { editorPattern } from './pattern-schema.ts';
export { RuleIndex } from './rule-index.ts';
export { wildcardComplexity } from './wildcard.ts';
