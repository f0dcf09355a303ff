// `rules backtest --check-definitions` (pure): attribute values the candidate rules would send, checked against the
// types Userflow already has for those attributes. The string "true" where Userflow has a boolean is accepted by
// the API and silently breaks every segment on that attribute.
import type { Command } from '../commands/index.ts';

export type Scope = 'user' | 'group' | 'group_membership' | 'event';

export interface Definition {
  scope: string;
  name: string;
  data_type: string;
}

export interface TypeMismatch {
  scope: Scope;
  name: string;
  /** Userflow's type, and the type the rules send. */
  defined: string;
  sent: string;
  count: number;
  example: { rule: string; eventId: string; value: unknown };
}

/** Collects every attribute value of the commands it is shown, by scope and name. */
export class AttributeObserver {
  readonly #seen = new Map<
    string,
    { scope: Scope; name: string; sent: string; rule: string; eventId: string; value: unknown; count: number }
  >();

  observe(command: Command, rule: string, eventId: string): void {
    const record = (scope: Scope, attributes: Record<string, unknown> | undefined) => {
      for (const [name, value] of Object.entries(attributes ?? {})) {
        const sent = typeOf(value);
        if (sent === undefined) continue;
        const key = `${scope}\u0000${name}\u0000${sent}`;
        const entry = this.#seen.get(key);
        if (entry) entry.count += 1;
        else this.#seen.set(key, { scope, name, sent, rule, eventId, value, count: 1 });
      }
    };
    const c = command as Record<string, unknown>;
    const attrs = (field: string) => c[field] as Record<string, unknown> | undefined;
    if (command.type === 'upsert_user') record('user', attrs('attributes'));
    if (command.type === 'upsert_group') record('group', attrs('attributes'));
    if (command.type === 'track_event') record('event', attrs('attributes'));
    if (command.type === 'add_membership') {
      record('group', attrs('group_attributes'));
      record('group_membership', attrs('membership_attributes'));
    }
  }

  /** The observed types that differ from a definition of the same scope and name. */
  mismatches(definitions: readonly Definition[]): TypeMismatch[] {
    const defined = new Map(definitions.map((d) => [`${d.scope}\u0000${d.name}`, d.data_type]));
    const found: TypeMismatch[] = [];
    for (const entry of this.#seen.values()) {
      const type = defined.get(`${entry.scope}\u0000${entry.name}`);
      if (type === undefined || compatible(type, entry.sent)) continue;
      const { scope, name, sent, count, rule, eventId, value } = entry;
      found.push({ scope, name, defined: type, sent, count, example: { rule, eventId, value } });
    }
    return found.sort((a, b) => a.scope.localeCompare(b.scope) || a.name.localeCompare(b.name));
  }
}

/** The Userflow type a value is sent as: a change's `data_type` when it names one, else the JSON type. */
function typeOf(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const change = value as Record<string, unknown>;
    if (typeof change.data_type === 'string') return change.data_type;
    const operand = Object.entries(change).find(([key]) => key !== 'data_type')?.[1];
    return typeOf(operand);
  }
  if (value === null || value === undefined) return undefined; // clears the attribute: no type
  if (Array.isArray(value)) return 'list';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? typeof value
    : undefined;
}

/** A datetime is sent as an ISO string; a list may be appended to with a single value. */
function compatible(defined: string, sent: string): boolean {
  if (defined === sent) return true;
  if (defined === 'datetime') return sent === 'string' || sent === 'number';
  if (defined === 'list') return sent === 'string' || sent === 'number' || sent === 'boolean';
  return false;
}

export function formatMismatch(m: TypeMismatch): string {
  return (
    `${m.scope} attribute ${m.name}: Userflow has ${m.defined}, the candidate rules send ${m.sent} ` +
    `(${m.count}×, e.g. ${JSON.stringify(m.example.value)} from rule ${m.example.rule}, event ${m.example.eventId})`
  );
}
