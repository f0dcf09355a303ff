// Rule file data in, a RuleSet out (pure): zod → compiled rules, with every problem collected at once. The data is
// what a rule file's YAML reads as (parse.ts); the ingest Lambda gets it read at synth (load-pre-read.ts).
import { ConfigError } from '../errors.ts';
import { buildSource, compileRule } from './compile-source.ts';
import { ruleFileSchema } from './file-schema.ts';
import { isPlainObject } from './json.ts';
import type { CompiledSource, RuleSet } from './types.ts';

export type YamlPath = readonly (string | number)[];
/** The line of the node at `path` in the file, for problem messages; none when the source is not at hand. */
export type LineOf = (path: YamlPath) => number | undefined;

export interface RuleFileData {
  path: string;
  data: unknown;
  lineOf?: LineOf;
}

/**
 * Reads (`read`: undefined after adding its problems) and compiles every file, file by file; throws one
 * `ConfigError` naming file, line, rule and field of each problem.
 */
export function ruleSetOf<F>(
  files: readonly F[],
  read: (file: F, problems: string[]) => RuleFileData | undefined,
): RuleSet {
  const problems: string[] = [];
  const sources = new Map<string, CompiledSource>();
  for (const file of files) {
    const data = read(file, problems);
    const source = data && compileRuleData(data, problems);
    if (!source) continue;
    const existing = sources.get(source.name);
    if (existing)
      problems.push(`${data.path}: source "${source.name}" is already defined in ${existing.file}`);
    else sources.set(source.name, source);
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `invalid rule files: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      problems,
    );
  }
  return { sources, get: (name) => sources.get(name) };
}

function compileRuleData(file: RuleFileData, problems: string[]): CompiledSource | undefined {
  const { data } = file;
  const found = new Problems(file.path, file.lineOf ?? (() => undefined), data);
  if (data === null || data === undefined) {
    found.add([], 'the file is empty');
    problems.push(...found.list);
    return undefined;
  }
  const parsed = ruleFileSchema.safeParse(data);
  if (!parsed.success)
    for (const issue of parsed.error.issues) found.add(issue.path as YamlPath, issue.message);

  const rawRules = isPlainObject(data) && Array.isArray(data.rules) ? data.rules : [];
  const seen = new Map<string, number>();
  rawRules.forEach((raw, index) => {
    const name = isPlainObject(raw) ? raw.name : undefined;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined)
      found.add(['rules', index, 'name'], `duplicate rule name (also rules[${first}])`);
    else seen.set(name, index);
  });
  const compiled = compileRules(rawRules);
  for (const { index, field, message } of compiled.problems) found.add(['rules', index], message, field);
  const rules = compiled.rules;
  problems.push(...found.list);
  if (!parsed.success || found.list.length > 0) return undefined;
  return buildSource({
    name: parsed.data.source,
    file: file.path,
    samples: parsed.data.samples,
    verify: parsed.data.verify,
    event: parsed.data.event,
    trail: parsed.data.trail,
    rules: rules.filter((rule) => rule !== undefined),
  });
}

/**
 * Compiles the rules away from `compileRuleData`'s scope on purpose: compiled matchers and templates must not be
 * able to reach the YAML document (through a `report` closure's scope chain to `lineOf`), or every rule set would
 * keep it alive.
 */
function compileRules(rawRules: readonly unknown[]) {
  const problems: { index: number; field: string; message: string }[] = [];
  const rules = rawRules.map((raw, index) =>
    compileRule(raw, (field, message) => problems.push({ index, field, message })),
  );
  return { rules, problems };
}

/** Formats problems as `file:line: rule "name": field: message`, finding the line in the YAML source. */
class Problems {
  private readonly found: { line: number; text: string }[] = [];

  /** In file order, so the list reads top to bottom like the file. */
  get list(): string[] {
    return [...this.found].sort((a, b) => a.line - b.line).map((problem) => problem.text);
  }

  constructor(
    private readonly file: string,
    private readonly lineOf: LineOf,
    private readonly data: unknown,
  ) {}

  /** `path` locates the node in the file; `field` (relative to the rule) overrides the field shown. */
  add(path: YamlPath, message: string, field?: string): void {
    const line = this.lineOf(path);
    const where = `${this.file}${line ? `:${line}` : ''}`;
    if (path[0] === 'rules' && typeof path[1] === 'number') {
      const rule = this.ruleLabel(path[1]);
      const shown = field ?? formatPath(path.slice(2));
      this.found.push({ line: line ?? 0, text: `${where}: ${rule}${shown ? `: ${shown}` : ''}: ${message}` });
      return;
    }
    const shown = field ?? formatPath(path);
    this.found.push({ line: line ?? 0, text: `${where}: ${shown || '(file)'}: ${message}` });
  }

  private ruleLabel(index: number): string {
    const rules = isPlainObject(this.data) && Array.isArray(this.data.rules) ? this.data.rules : [];
    const name = isPlainObject(rules[index]) ? rules[index].name : undefined;
    return typeof name === 'string' ? `rule "${name}"` : `rules[${index}]`;
  }
}

function formatPath(path: YamlPath): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}
