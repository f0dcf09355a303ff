// The live lines of `npm start` for one delivered command: a line naming the event, the user or group and what
// became of the command, with the calls that looked its user up indented under it.
import type { Command } from '../commands/index.ts';
import type { AuditRecord } from '../deliver/index.ts';
import { printable } from './printable.ts';

/** The calls a command makes to find its user; every other call is the command's own. */
const LOOKUP_ACTION = 'listUsers';

export function commandLines(records: readonly AuditRecord[], command: Command | undefined): string[] {
  // What became of the command is on every record; the figures are those of its own call, if it made one.
  const last = records.at(-1) as AuditRecord;
  const call = records.findLast((r) => r.action !== LOOKUP_ACTION);
  const before = records.filter((r) => r !== call);
  const name = command?.type ?? last.command ?? 'command';
  const origin = [last.source, last.rule].filter(Boolean).join('/');
  const details = [
    call?.status !== undefined && call.action !== 'none' ? String(call.status) : undefined,
    last.attempt > 1 ? `attempt ${last.attempt}` : undefined,
    call && call.action !== 'none' ? `${Math.round(call.latencyMs)} ms` : undefined,
  ].filter(Boolean);
  const head = [
    `→ userflow ${name}`,
    outcomeText(last, command),
    [
      last.senderEventId ? `event ${last.senderEventId}` : `message ${last.messageId}`,
      command ? target(command) : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
    details.length ? `(${details.join(', ')})` : undefined,
    origin || undefined,
  ].filter(Boolean);
  const lines = [head.join('  ')];
  const lookup = command && 'user_lookup' in command ? command.user_lookup : undefined;
  for (const r of before) {
    const figures = [r.status !== undefined ? String(r.status) : undefined, `${Math.round(r.latencyMs)} ms`];
    const what =
      r.action === LOOKUP_ACTION
        ? `lookup ${lookup ? `${lookup.attribute} = ${lookup.value}` : 'user'} · GET /users`
        : r.action;
    lines.push(`    ${what}  ${figures.filter(Boolean).join(', ')}`);
  }
  return lines.map(printable);
}

/** `delivered`, `retry: userflow_rate_limited`, `dead-lettered: lookup_not_found — no user with email = a@b.c`. */
function outcomeText(record: AuditRecord, command: Command | undefined): string {
  const outcome = record.outcome === 'dead_lettered' ? 'dead-lettered' : record.outcome.replace(/_/g, ' ');
  if (!record.reason) return outcome;
  const lookup = command && 'user_lookup' in command ? command.user_lookup : undefined;
  const why =
    record.reason === 'lookup_not_found' && lookup
      ? ` — no user with ${lookup.attribute} = ${lookup.value}`
      : '';
  return `${outcome}: ${record.reason}${why}`;
}

/** Who the command is about: the user (by id, or by the attribute it is looked up by) and the group. */
function target(command: Command): string | undefined {
  const parts: string[] = [];
  if ('user_id' in command && command.user_id !== undefined) parts.push(`user ${command.user_id}`);
  else if ('user_lookup' in command && command.user_lookup)
    parts.push(`user with ${command.user_lookup.attribute} = ${command.user_lookup.value}`);
  if ('group_id' in command && command.group_id !== undefined) parts.push(`group ${command.group_id}`);
  return parts.length ? parts.join(' · ') : undefined;
}
