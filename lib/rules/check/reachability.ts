// Finds `when` patterns that can never fire, by reading them against a source's sample payloads (pure).
import { type Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { isPlainObject, isPrimitive, ownValue } from '../json.ts';

export interface Warning {
  file: string;
  line?: number;
  rule: string;
  /** The pattern path as written, e.g. `when.data.object.status`. */
  field: string;
  message: string;
}

export function formatWarning(warning: Warning): string {
  const where = `${warning.file}${warning.line ? `:${warning.line}` : ''}`;
  return `${where}: rule "${warning.rule}": ${warning.field}: ${warning.message}`;
}

export interface ReachabilityInput {
  file: string;
  text: string;
  /** Event payloads (one per event, batches already split) from the source's samples; may be empty. */
  payloads: readonly unknown[];
}

type YamlPath = (string | number)[];

/**
 * Three mistakes that leave a rule silently dead: a flat dotted key (`data.object.status:` never matches, as
 * patterns nest), a path that none of the samples has (`typ:`), and exact values none of the samples has at that
 * path. Without samples only the first can be told. `exists: false` leaves are skipped: absence is their point.
 */
export function findUnreachable({ file, text, payloads }: ReachabilityInput): Warning[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  const rules = isPlainObject(data) && Array.isArray(data.rules) ? data.rules : [];
  const known = payloads.length > 0 ? samplePaths(payloads) : [];
  const warnings: Warning[] = [];
  rules.forEach((rule, index) => {
    if (!isPlainObject(rule) || rule.enabled === false || !isPlainObject(rule.when)) return;
    const name = typeof rule.name === 'string' ? rule.name : `rules[${index}]`;
    const add = (yamlPath: YamlPath, message: string) =>
      warnings.push({
        file,
        line: lineOf(doc, lines, ['rules', index, 'when', ...yamlPath]),
        rule: name,
        field: formatField(yamlPath),
        message,
      });
    walk(rule.when, [], [], { payloads, known, add });
  });
  return warnings;
}

interface Walk {
  payloads: readonly unknown[];
  known: readonly string[];
  add(yamlPath: YamlPath, message: string): void;
}

function walk(pattern: Record<string, unknown>, yamlPath: YamlPath, path: string[], walker: Walk): void {
  for (const [key, value] of Object.entries(pattern)) {
    const at = [...yamlPath, key];
    if (key === '$or' && Array.isArray(value)) {
      value.forEach((alternative, i) => {
        if (isPlainObject(alternative)) walk(alternative, [...yamlPath, '$or', i], path, walker);
      });
      continue;
    }
    const eventPath = [...path, key];
    if (key.includes('.') && !walker.payloads.some((payload) => valuesAt(payload, eventPath).length > 0)) {
      const nested = key.split('.');
      walker.add(
        at,
        `"${key}" is one key with dots in it, which no event has: nest it (${nested.join(': { ')}: …${' }'.repeat(nested.length - 1)})`,
      );
      continue;
    }
    if (isPlainObject(value)) walk(value, at, eventPath, walker);
    else if (Array.isArray(value) && walker.payloads.length > 0) checkLeaf(value, at, eventPath, walker);
  }
}

function checkLeaf(allowed: readonly unknown[], at: YamlPath, path: string[], walker: Walk): void {
  if (allowed.some((item) => isPlainObject(item) && item.exists === false)) return;
  const dotted = path.join('.');
  const found = walker.payloads.flatMap((payload) => valuesAt(payload, path));
  if (found.length === 0) {
    const closest = nearest(dotted, walker.known);
    walker.add(at, `no sample payload has ${dotted}${closest ? ` — did you mean ${closest}?` : ''}`);
    return;
  }
  if (!allowed.every(isPrimitive)) return; // operators can match values the samples do not spell out
  const present = found.filter(isPrimitive);
  if (allowed.some((value) => present.includes(value))) return;
  const seen = [...new Set(present.map((value) => JSON.stringify(value)))];
  const wanted = allowed.map((value) => JSON.stringify(value));
  const closest = nearest(wanted[0] as string, seen);
  walker.add(
    at,
    `no sample payload has ${wanted.join(' or ')} at ${dotted} (they have ${seen.slice(0, 5).join(', ') || 'no plain values'})${closest ? ` — did you mean ${closest}?` : ''}`,
  );
}

/** Every value at `path` (arrays crushed at any level, as patterns see them); objects count as present. */
function valuesAt(value: unknown, path: readonly string[], depth = 0): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, path, depth));
  if (depth === path.length) return value === undefined ? [] : [value];
  const next = ownValue(value, path[depth] as string);
  return next === undefined ? [] : valuesAt(next, path, depth + 1);
}

const MAX_PATHS = 5000;

/** The dotted paths of every field in the payloads (arrays crushed), for "did you mean". */
function samplePaths(payloads: readonly unknown[]): string[] {
  const paths = new Set<string>();
  const visit = (value: unknown, prefix: string) => {
    if (paths.size >= MAX_PATHS) return;
    if (Array.isArray(value)) for (const item of value) visit(item, prefix);
    else if (isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        const path = prefix ? `${prefix}.${key}` : key;
        paths.add(path);
        visit(child, path);
      }
    }
  };
  for (const payload of payloads) visit(payload, '');
  return [...paths];
}

/** The candidate closest to `word` by edit distance, if it is close enough to be a plausible slip. */
function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3));
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate, bestDistance);
    if (distance <= bestDistance && (best === undefined || distance < bestDistance)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}

/** The line of the deepest key on `path` that exists (a missing key points at its parent's). */
function lineOf(doc: Document, lines: LineCounter, path: YamlPath): number | undefined {
  for (let depth = path.length; depth > 0; depth -= 1) {
    const line = keyLineOf(doc, lines, path.slice(0, depth));
    if (line !== undefined) return line;
  }
  return undefined;
}

function keyLineOf(doc: Document, lines: LineCounter, path: YamlPath): number | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === last);
    const offset = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
    if (typeof offset === 'number') return lines.linePos(offset).line;
  }
  if (isSeq(parent) && typeof last === 'number') {
    const offset = (parent.items[last] as { range?: [number, number, number] } | undefined)?.range?.[0];
    if (typeof offset === 'number') return lines.linePos(offset).line;
  }
  return undefined;
}

function formatField(path: YamlPath): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${part}`),
    'when',
  );
}
