// Rule files in, a RuleSet out (pure): YAML → zod → compiled rules, with every problem collected at once.
import { type Document, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.ts';
import { buildSource, compileRule } from './compile-source.ts';
import { ruleFileSchema } from './file-schema.ts';
import { isPlainObject } from './json.ts';
import type { CompiledSource, RuleSet } from './types.ts';

export interface RuleFileText {
  path: string;
  text: string;
}

/** Parses and compiles every file; throws one `ConfigError` naming file, line, rule and field of each problem. */
export function parseRuleFiles(files: readonly RuleFileText[]): RuleSet {
  const problems: string[] = [];
  const sources = new Map<string, CompiledSource>();
  for (const file of files) {
    const source = compileFile(file, problems);
    if (!source) continue;
    const existing = sources.get(source.name);
    if (existing)
      problems.push(`${file.path}: source "${source.name}" is already defined in ${existing.file}`);
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

type YamlPath = readonly (string | number)[];

function compileFile(file: RuleFileText, problems: string[]): CompiledSource | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const at = error.linePos?.[0];
      problems.push(
        `${file.path}${at ? `:${at.line}:${at.col}` : ''}: YAML: ${error.message.split('\n')[0]}`,
      );
    }
    return undefined;
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  const found = new Problems(file.path, doc, lines, data);
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
 * Compiles the rules away from `compileFile`'s scope on purpose: compiled matchers and templates must not be able
 * to reach the YAML document (through a `report` closure's scope chain), or every rule set would keep it alive.
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
    private readonly doc: Document,
    private readonly lines: LineCounter,
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

  /** The line of the deepest node that exists on `path` (a missing key points at its parent). */
  private lineOf(path: YamlPath): number | undefined {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
      if (typeof offset === 'number') return this.lines.linePos(offset).line;
    }
    return undefined;
  }
}

function formatPath(path: YamlPath): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}
