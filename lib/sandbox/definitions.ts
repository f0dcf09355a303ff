// Attribute and event definitions, created the first time a value (or event name) arrives, as Userflow does.

import type { AttributeWrite } from './attributes.ts';
import type { AttributeDefinitionRecord, AttributeScope, EventDefinitionRecord } from './records.ts';
import { Table } from './table.ts';

export interface DefinitionDeps {
  now: () => number;
  nextSeq: () => number;
  newId: () => string;
}

export class DefinitionRegistry {
  readonly attributes = new Table<AttributeDefinitionRecord>();
  readonly events = new Table<EventDefinitionRecord>();
  private readonly attributeIds = new Map<string, string>();
  private readonly eventIds = new Map<string, string>();

  constructor(private readonly deps: DefinitionDeps) {}

  /** Creates missing definitions; a forced `data_type` or a switch to `list` updates the stored type. */
  recordAttributes(scope: AttributeScope, writes: readonly AttributeWrite[]): boolean {
    let changed = false;
    for (const write of writes) {
      const key = `${scope}\u0000${write.name}`;
      const id = this.attributeIds.get(key);
      const existing = id === undefined ? undefined : this.attributes.get(id);
      if (!existing) {
        this.addAttribute({
          id: this.deps.newId(),
          seq: this.deps.nextSeq(),
          created_at: this.deps.now(),
          name: write.name,
          display_name: displayName(write.name),
          description: null,
          data_type: write.dataType,
          scope,
        });
        changed = true;
      } else if (existing.data_type !== write.dataType && (write.explicit || write.dataType === 'list')) {
        existing.data_type = write.dataType;
        changed = true;
      }
    }
    return changed;
  }

  recordEventName(name: string): boolean {
    if (this.eventIds.has(name)) return false;
    this.addEvent({
      id: this.deps.newId(),
      seq: this.deps.nextSeq(),
      created_at: this.deps.now(),
      name,
      display_name: displayName(name),
      description: null,
    });
    return true;
  }

  addAttribute(record: AttributeDefinitionRecord): void {
    this.attributes.insert(record);
    this.attributeIds.set(`${record.scope}\u0000${record.name}`, record.id);
  }

  addEvent(record: EventDefinitionRecord): void {
    this.events.insert(record);
    this.eventIds.set(record.name, record.id);
  }
}

/** `signed_up_at` → `Signed up at`, the way Userflow's UI labels attributes it has not been told about. */
export function displayName(name: string): string {
  const words = name
    .replace(/[_\-.]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words ? words[0]?.toUpperCase() + words.slice(1) : name;
}
