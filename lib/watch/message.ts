// Alert text: literal text with `{% … %}` JSONata pieces, each compiled and run by the rules' template engine.
import type { Report } from '../rules/report.ts';
import { compileTemplate, evaluateTemplate, Skip, type Template } from '../rules/template.ts';

/*
 * The rules' templates take one expression as a whole value; a message mixes text and several expressions, so it
 * is split here and each piece goes through the same compiler (syntax errors at load, guardrails at run time).
 */

export type MessageTemplate = readonly (string | Template)[];

export const DEFAULT_MESSAGE =
  '{% user.attributes.name ? user.attributes.name : user.id %} has done {% done %}/{% total %} tasks; stuck at “{% next_task %}”';

const PIECE = /\{%([\s\S]*?)%\}/g;

export function compileMessage(text: string, at: string, report: Report): MessageTemplate {
  const pieces: (string | Template)[] = [];
  let last = 0;
  for (const match of text.matchAll(PIECE)) {
    if (match.index > last) pieces.push(text.slice(last, match.index));
    pieces.push(compileTemplate(`{%${match[1]}%}`, at, report));
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  const rest = pieces.filter((p): p is string => typeof p === 'string').join('');
  if (rest.includes('{%') || rest.includes('%}')) report(at, 'an unclosed {% … %} expression');
  return pieces;
}

/** The message for one alert; an expression that yields nothing renders as empty text, one that fails as `?`. */
export async function renderMessage(
  template: MessageTemplate,
  input: unknown,
  watchName: string,
  now: Date,
): Promise<string> {
  const bindings = {
    eventId: '',
    eventType: 'watch.stalled',
    source: watchName,
    receivedAt: now.toISOString(),
  };
  let text = '';
  for (const piece of template) {
    if (typeof piece === 'string') {
      text += piece;
      continue;
    }
    const value = await evaluateTemplate(piece, { input, bindings });
    // A broken expression must not cost the alert: the team still hears about the user.
    if (value instanceof Skip) text += `?(${value.reason})`;
    else if (value !== undefined && value !== null) {
      text += typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return text;
}
