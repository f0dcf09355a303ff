// How a rule's trace reads to a person: one line per rule, shared by `rules test` and the console's playground.
import type { CompiledSource, RuleTrace } from './types.ts';

export function traceLine(entry: RuleTrace): string {
  if (entry.matched && entry.reason && entry.commands > 0)
    return `matched   ${entry.rule}: ${entry.commands} command${plural(entry.commands)}, ${entry.reason}`;
  if (entry.matched && entry.reason)
    return `skipped   ${entry.rule}: ${entry.reason.replace(/^skipped: /, '')}`;
  if (entry.matched) return `matched   ${entry.rule}: ${entry.commands} command${plural(entry.commands)}`;
  return `no match  ${entry.rule}: ${entry.reason ?? 'did not match'}`;
}

/** The header a source reads its event id from (lower case), when it does not take it from the body. */
export function eventIdHeader(source: CompiledSource): string | undefined {
  const id = source.event.id;
  return typeof id === 'object' && 'header' in id ? id.header.toLowerCase() : undefined;
}

const plural = (n: number) => (n === 1 ? '' : 's');
