// Rule files in, a RuleSet out (pure): YAML → zod → compiled rules, with every problem collected at once. This
// module is the YAML step; rule-data.ts validates and compiles what the YAML reads as.
import { type Document, LineCounter, parseDocument } from 'yaml';
import { type LineOf, type RuleFileData, ruleSetOf, type YamlPath } from './rule-data.ts';
import type { RuleSet } from './types.ts';

export interface RuleFileText {
  path: string;
  text: string;
}

/** Parses and compiles every file; throws one `ConfigError` naming file, line, rule and field of each problem. */
export function parseRuleFiles(files: readonly RuleFileText[]): RuleSet {
  return ruleSetOf(files, readYaml);
}

/** What each file's YAML reads as, for files `parseRuleFiles` accepts (the synth ships it to the ingest Lambda). */
export function ruleFileData(files: readonly RuleFileText[]): { path: string; data: unknown }[] {
  return files.map((file) => ({ path: file.path, data: readYaml(file, [])?.data }));
}

function readYaml(file: RuleFileText, problems: string[]): RuleFileData | undefined {
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
  return { path: file.path, data: doc.toJS({ maxAliasCount: 1000 }), lineOf: lineFinder(doc, lines) };
}

/** The line of the deepest node that exists on `path` (a missing key points at its parent). */
function lineFinder(doc: Document, lines: LineCounter): LineOf {
  return (path: YamlPath) => {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
      if (typeof offset === 'number') return lines.linePos(offset).line;
    }
    return undefined;
  };
}
