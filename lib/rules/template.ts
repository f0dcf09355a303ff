// Values in `do`: literals, or JSONata between `{% %}` parsed once at load; evaluated per event, fast path first.
import jsonata from 'jsonata';
import { isPlainObject, ownValue } from './json.ts';
import type { Report } from './report.ts';

type Expression = ReturnType<typeof jsonata>;

/** Variables every expression can read besides the payload (which is the expression's input, `$`). */
export interface Bindings {
  eventId: string;
  eventType: string | undefined;
  source: string;
  receivedAt: string;
}

export const BINDING_NAMES: readonly (keyof Bindings)[] = ['eventId', 'eventType', 'source', 'receivedAt'];

export type Template =
  | { kind: 'literal'; value: unknown; at: string }
  | {
      kind: 'expression';
      text: string;
      path?: string[];
      variable?: string;
      at: string;
      /** Built on first use (see compileString). */
      compiled?: Expression;
    }
  | { kind: 'object'; entries: readonly [string, Template][]; at: string }
  | { kind: 'array'; items: readonly Template[]; at: string };

/**
 * Why a command cannot be built from this event, returned (never thrown) in place of a value: the rule then skips
 * the event, or that one action, with this reason. No event value can be one, so `instanceof Skip` tells them apart.
 */
export class Skip {
  constructor(readonly reason: string) {}
}

/**
 * A `Skip` because a value evaluated to nothing (a field the sender left out), as opposed to an error. Attributes
 * that are merely missing are left out of the command instead of skipping it.
 */
export class Missing extends Skip {}

/** A template's value (undefined when an expression yields nothing), or why there is none. */
export type Evaluated = unknown | Skip;

/** A rule's expression must never stall ingest: bounded time, recursion and sequence length (JSONata 2.2). */
const GUARDRAILS = { timeout: 100, stack: 300, sequence: 100_000 };

const WHOLE = /^\s*\{%([\s\S]*)%\}\s*$/;

export function compileTemplate(value: unknown, at: string, report: Report): Template {
  if (typeof value === 'string') return compileString(value, at, report);
  if (Array.isArray(value)) {
    return { kind: 'array', items: value.map((item, i) => compileTemplate(item, `${at}[${i}]`, report)), at };
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(
      ([key, item]) => [key, compileTemplate(item, `${at}.${key}`, report)] as [string, Template],
    );
    return { kind: 'object', entries, at };
  }
  return { kind: 'literal', value, at };
}

function compileString(value: string, at: string, report: Report): Template {
  const whole = WHOLE.exec(value);
  if (!whole) {
    if (value.includes('{%') || value.includes('%}')) {
      report(at, 'a JSONata expression must be the whole value: "{% expression %}"');
    }
    return { kind: 'literal', value, at };
  }
  const text = (whole[1] as string).trim();
  if (text === '') {
    report(at, 'empty JSONata expression');
    return { kind: 'literal', value: undefined, at };
  }
  let ast: AstNode;
  try {
    ast = jsonata(text).ast() as unknown as AstNode;
  } catch (error) {
    report(at, `JSONata syntax error: ${jsonataMessage(error)}`);
    return { kind: 'literal', value: undefined, at };
  }
  const variable =
    ast.type === 'variable' && BINDING_NAMES.includes(ast.value as keyof Bindings)
      ? String(ast.value)
      : undefined;
  // The parsed instance is not kept: a JSONata instance pins its parser's symbol table (~14 KB), and a thousand
  // idle rules holding one each slow every garbage collection measurably. It is rebuilt, once, on first use.
  return { kind: 'expression', text, path: simplePath(ast), variable, at };
}

interface AstNode {
  type: string;
  value?: unknown;
  steps?: AstNode[];
  [key: string]: unknown;
}

/** `a.b.c` with plain names only (no predicates, functions or wildcards): evaluated without JSONata. */
function simplePath(ast: AstNode): string[] | undefined {
  if (
    ast.type !== 'path' ||
    !ast.steps ||
    Object.keys(ast).some((key) => key !== 'type' && key !== 'steps')
  ) {
    return undefined;
  }
  const names: string[] = [];
  for (const step of ast.steps) {
    const plain = Object.keys(step).every((key) => key === 'type' || key === 'value' || key === 'position');
    if (!plain || step.type !== 'name' || typeof step.value !== 'string') return undefined;
    names.push(step.value);
  }
  return names;
}

const NOT_SIMPLE = Symbol('not simple');

/** Walks a plain path; gives up (so JSONata decides) wherever an array would trigger JSONata's mapping rules. */
function walk(input: unknown, path: readonly string[]): unknown {
  let current = input;
  for (const name of path) {
    if (Array.isArray(current)) return NOT_SIMPLE;
    current = ownValue(current, name);
    if (current === undefined) return undefined;
  }
  return Array.isArray(current) ? NOT_SIMPLE : current;
}

export interface EvaluationContext {
  input: unknown;
  bindings: Bindings;
  /** Results by expression text, per event: rules repeat the same user or time expression in every action. */
  memo?: Map<string, unknown>;
}

/** The template's value, undefined when an expression yields nothing, or a `Skip` (a JSONata error, a missing item). */
export async function evaluateTemplate(template: Template, context: EvaluationContext): Promise<Evaluated> {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'expression':
      return evaluateExpression(template, context);
    case 'array': {
      const items: unknown[] = [];
      for (const item of template.items) {
        const value = await required(item, context);
        if (value instanceof Skip) return value;
        items.push(value);
      }
      return items;
    }
    case 'object': {
      const object: Record<string, unknown> = {};
      for (const [key, item] of template.entries) {
        const value = await required(item, context);
        if (value instanceof Skip) return value;
        object[key] = value;
      }
      return object;
    }
  }
}

/** Like `evaluateTemplate`, but nothing is a reason to skip (`Missing`). */
export async function required(template: Template, context: EvaluationContext): Promise<Evaluated> {
  const value = await evaluateTemplate(template, context);
  if (value === undefined) return new Missing(`${template.at}: ${describe(template)} evaluated to nothing`);
  return value;
}

/**
 * An attribute map with each attribute that evaluates to nothing left out: senders omit fields they have no value
 * for, and one absent `signup_method` must not cost the user. Errors (JSONata, wrong types) still skip. A map given
 * as one expression is returned whole; `strict` restores all-or-nothing.
 */
export async function attributeMap(
  template: Template,
  context: EvaluationContext,
  strict: boolean,
): Promise<Evaluated> {
  if (strict || template.kind !== 'object') return required(template, context);
  const object: Record<string, unknown> = {};
  for (const [key, item] of template.entries) {
    const value = await required(item, context);
    if (value instanceof Missing) continue;
    if (value instanceof Skip) return value;
    object[key] = value;
  }
  return object;
}

export function describe(template: Template): string {
  return template.kind === 'expression' ? `{% ${template.text} %}` : 'value';
}

async function evaluateExpression(
  template: Extract<Template, { kind: 'expression' }>,
  context: EvaluationContext,
): Promise<Evaluated> {
  if (template.variable !== undefined) return context.bindings[template.variable as keyof Bindings];
  if (template.path) {
    const value = walk(context.input, template.path);
    if (value !== NOT_SIMPLE) return value;
  }
  if (context.memo?.has(template.text)) return context.memo.get(template.text);
  let value: unknown;
  try {
    template.compiled ??= jsonata(template.text, GUARDRAILS);
    value = plain(await template.compiled.evaluate(context.input, { ...context.bindings }));
  } catch (error) {
    return new Skip(`${template.at}: JSONata error: ${jsonataMessage(error)}`);
  }
  context.memo?.set(template.text, value);
  return value;
}

/** JSONata sequences are arrays with extra flags; hand back plain JSON-shaped values. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'function') return undefined;
  return value;
}

/** JSONata throws plain objects `{code, message, position}`, not Errors. */
export function jsonataMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message, position } = error as { code?: unknown; message?: unknown; position?: unknown };
    const where = typeof position === 'number' ? ` (at character ${position})` : '';
    return `${typeof code === 'string' ? `${code}: ` : ''}${String(message ?? 'unknown error')}${where}`;
  }
  return String(error);
}
