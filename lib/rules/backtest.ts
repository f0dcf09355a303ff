// Backtest (pure): past webhook bodies from the trail, run through the current and the candidate rules, diffed
// per rule, so a rule change shows what it would have done to real traffic before it ships.
import type { Command } from '../commands/index.ts';
import type { IntakeRecord } from '../trail/types.ts';
import { type DecidedCommand, trailCommand } from './decisions.ts';
import type { CompiledSource, RuleSet } from './types.ts';

export const EXAMPLES_PER_KIND = 5;

/** One command as the diff shows it: the trail's fields plus what the command sets. */
export interface CommandView {
  id: string;
  eventId: string;
  kind: string;
  userId?: string;
  groupId?: string;
  command: Command;
}

export interface CommandChange {
  before: CommandView;
  after: CommandView;
  /** What differs: `kind`, `userId`, `groupId`, `attributes.<name>`, or another command field. */
  fields: string[];
}

export interface Examples<T> {
  count: number;
  examples: T[];
}

export interface RuleDiff {
  source: string;
  rule: string;
  matched: { before: number; after: number };
  added: Examples<CommandView>;
  removed: Examples<CommandView>;
  changed: Examples<CommandChange>;
}

export interface BacktestReport {
  /** Requests read from the trail, and the events their bodies held. */
  requests: number;
  events: number;
  /** Requests not replayed, by why (body not stored, not accepted, unknown source, …). */
  skipped: Record<string, number>;
  /** Only rules whose matches or commands differ, sorted by source and rule. */
  rules: RuleDiff[];
  changed: boolean;
}

export interface BacktestInput {
  intakes: readonly IntakeRecord[];
  current: RuleSet;
  candidate: RuleSet;
  /** Shown every command the candidate rules produce (for `--check-definitions`). */
  observe?: (command: Command, rule: string, eventId: string) => void;
}

export async function backtest({
  intakes,
  current,
  candidate,
  observe,
}: BacktestInput): Promise<BacktestReport> {
  const diffs = new Map<string, RuleDiff>();
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  let requests = 0;
  let events = 0;
  // Oldest first, so examples read in the order the traffic came.
  const ordered = [...intakes].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  for (const record of ordered) {
    const body = replayable(record);
    if (typeof body === 'string') {
      skip(body);
      continue;
    }
    const before = current.get(record.source);
    const after = candidate.get(record.source);
    if (!before && !after) {
      skip('no rules for its source');
      continue;
    }
    const receivedAt = new Date(record.receivedAt);
    const beforeRun = await run(before, body.value, record.headers, receivedAt);
    const afterRun = await run(after, body.value, record.headers, receivedAt, observe);
    if (beforeRun === undefined && afterRun === undefined) {
      skip('body is not an event of its source');
      continue;
    }
    requests += 1;
    events += Math.max(beforeRun?.events ?? 0, afterRun?.events ?? 0);
    compare(record.source, beforeRun, afterRun, diffs);
  }
  const rules = [...diffs.values()]
    .filter(isDifferent)
    .sort((a, b) => a.source.localeCompare(b.source) || a.rule.localeCompare(b.rule));
  return { requests, events, skipped, rules, changed: rules.length > 0 };
}

/** The parsed body of a record that can be replayed, or why it cannot. */
function replayable(record: IntakeRecord): { value: unknown } | string {
  if (record.outcome !== 'accepted') return `outcome ${record.outcome}`;
  if (!record.body.stored) return `body not stored (${record.body.reason})`;
  try {
    return { value: JSON.parse(record.body.text) as unknown };
  } catch {
    return 'body is not JSON';
  }
}

interface Run {
  events: number;
  /** Per rule: how many events it matched, and the commands it produced. */
  matched: Map<string, number>;
  commands: Map<string, CommandView[]>;
}

async function run(
  source: CompiledSource | undefined,
  body: unknown,
  headers: Record<string, string>,
  receivedAt: Date,
  observe?: BacktestInput['observe'],
): Promise<Run | undefined> {
  if (!source) return { events: 0, matched: new Map(), commands: new Map() };
  let split: ReturnType<CompiledSource['splitEvents']>;
  try {
    split = source.splitEvents(body, headers);
  } catch {
    return undefined;
  }
  const result: Run = { events: split.length, matched: new Map(), commands: new Map() };
  for (const event of split) {
    const { envelopes, trace } = await source.evaluate(event, receivedAt);
    for (const entry of trace) {
      if (entry.matched) result.matched.set(entry.rule, (result.matched.get(entry.rule) ?? 0) + 1);
    }
    for (const envelope of envelopes) {
      observe?.(envelope.command, envelope.rule, envelope.eventId);
      const list = result.commands.get(envelope.rule) ?? [];
      list.push(view(trailCommand(envelope), envelope.eventId));
      result.commands.set(envelope.rule, list);
    }
  }
  return result;
}

function view({ id, kind, userId, groupId, command }: DecidedCommand, eventId: string): CommandView {
  return {
    id,
    eventId,
    kind,
    ...(userId === undefined ? {} : { userId }),
    ...(groupId === undefined ? {} : { groupId }),
    command,
  };
}

const empty = <T>(): Examples<T> => ({ count: 0, examples: [] });

function note<T>(bucket: Examples<T>, item: T): void {
  bucket.count += 1;
  if (bucket.examples.length < EXAMPLES_PER_KIND) bucket.examples.push(item);
}

/**
 * Commands pair up by id: it is a hash of source, event, rule and the action's place in the rule, so the same
 * action on the same event has the same id before and after, whatever else changed.
 */
function compare(
  source: string,
  before: Run | undefined,
  after: Run | undefined,
  diffs: Map<string, RuleDiff>,
): void {
  const names = new Set([
    ...(before?.matched.keys() ?? []),
    ...(after?.matched.keys() ?? []),
    ...(before?.commands.keys() ?? []),
    ...(after?.commands.keys() ?? []),
  ]);
  for (const rule of names) {
    const key = `${source}\u0000${rule}`;
    let diff = diffs.get(key);
    if (!diff) {
      diff = {
        source,
        rule,
        matched: { before: 0, after: 0 },
        added: empty(),
        removed: empty(),
        changed: empty(),
      };
      diffs.set(key, diff);
    }
    diff.matched.before += before?.matched.get(rule) ?? 0;
    diff.matched.after += after?.matched.get(rule) ?? 0;
    const old = new Map((before?.commands.get(rule) ?? []).map((command) => [command.id, command]));
    for (const next of after?.commands.get(rule) ?? []) {
      const previous = old.get(next.id);
      old.delete(next.id);
      if (!previous) {
        note(diff.added, next);
        continue;
      }
      const fields = differences(previous, next);
      if (fields.length > 0) note(diff.changed, { before: previous, after: next, fields });
    }
    for (const gone of old.values()) note(diff.removed, gone);
  }
}

function differences(before: CommandView, after: CommandView): string[] {
  const fields: string[] = [];
  for (const field of ['kind', 'userId', 'groupId'] as const) {
    if (before[field] !== after[field]) fields.push(field);
  }
  const a = before.command as Record<string, unknown>;
  const b = after.command as Record<string, unknown>;
  for (const name of union(Object.keys(a), Object.keys(b))) {
    if (name === 'type' || name === 'user_id' || name === 'group_id') continue; // shown as kind/userId/groupId
    if (name === 'attributes' || name === 'group_attributes' || name === 'membership_attributes') {
      const x = (a[name] ?? {}) as Record<string, unknown>;
      const y = (b[name] ?? {}) as Record<string, unknown>;
      for (const attribute of union(Object.keys(x), Object.keys(y))) {
        if (stable(x[attribute]) !== stable(y[attribute])) fields.push(`${name}.${attribute}`);
      }
    } else if (stable(a[name]) !== stable(b[name])) fields.push(name);
  }
  return fields;
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();

/** JSON with sorted keys, so reordering attributes in a rule file is not a change. */
function stable(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function isDifferent(diff: RuleDiff): boolean {
  return (
    diff.matched.before !== diff.matched.after ||
    diff.added.count + diff.removed.count + diff.changed.count > 0
  );
}
