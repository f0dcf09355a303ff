// Test factories for the rules engine: compile a pattern, or a whole rule file from a YAML snippet.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CompiledSource, parseRuleFiles } from '../../../lib/rules/index.ts';
import { compilePattern } from '../../../lib/rules/pattern/compile.ts';
import { explainMismatch, matchNode } from '../../../lib/rules/pattern/match.ts';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/webhooks');
export const RECEIVED_AT = new Date('2025-06-01T12:00:00.000Z');

/** Compiles a pattern, failing the test on any problem. */
export function pattern(source: unknown) {
  const problems: string[] = [];
  const node = compilePattern(source, 'when', (path, message) => problems.push(`${path}: ${message}`));
  if (problems.length > 0) throw new Error(`pattern problems: ${problems.join('; ')}`);
  return node;
}

export const matches = (when: unknown, event: unknown): boolean => matchNode(pattern(when), event);
export const whyNot = (when: unknown, event: unknown): string | undefined =>
  explainMismatch(pattern(when), event);

/** The problems a pattern has (empty when valid). */
export function patternProblems(source: unknown): string[] {
  const problems: string[] = [];
  compilePattern(source, 'when', (path, message) => problems.push(`${path}: ${message}`));
  return problems;
}

/** A minimal valid rule file with `rules` (YAML) pasted in; `event` and `verify` may be overridden. */
export function ruleFileText(rules: string, head = 'event:\n  id: id\n  type: type\n'): string {
  return `source: test\nverify:\n  scheme: stripe\n  secrets: [TEST_SECRET]\n${head}rules:\n${rules}`;
}

export function compileSource(rules: string, head?: string): CompiledSource {
  const set = parseRuleFiles([{ path: 'rules/test.yaml', text: ruleFileText(rules, head) }]);
  return set.get('test') as CompiledSource;
}

export function fixture(source: string, file: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, source, file), 'utf8'));
}

/** Evaluates every event of a body and returns the commands in order. */
export async function commandsFor(
  source: CompiledSource,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const commands = [];
  for (const event of source.splitEvents(body, headers)) {
    const { envelopes } = await source.evaluate(event, RECEIVED_AT);
    commands.push(...envelopes.map((envelope) => envelope.command));
  }
  return commands;
}

/** The problems of a rule-file text (empty when it compiles). */
export function fileProblems(text: string, path = 'rules/test.yaml'): string[] {
  try {
    parseRuleFiles([{ path, text }]);
    return [];
  } catch (error) {
    return [...((error as { problems?: string[] }).problems ?? [String(error)])];
  }
}
