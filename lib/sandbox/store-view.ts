// Read-only access to the sandbox's state for tests and tools, in the same JSON shapes the API answers with.

import { parseExpand } from './expand.ts';
import type {
  AttributeDefinitionObject,
  ContentObject,
  ContentSessionObject,
  EventDefinitionObject,
  EventObject,
  GroupObject,
  MembershipObject,
  UserObject,
} from './objects.ts';
import type { EventRecord } from './records.ts';
import type { Renderer } from './render.ts';
import { exportSeed } from './seed/export.ts';
import type { SeedDocument } from './seed/schema.ts';
import type { SandboxStore } from './store.ts';

export interface ExpandOption {
  /** Same paths as the API's `expand[]`, e.g. `['memberships']`. */
  expand?: readonly string[];
}

export class SandboxStoreView {
  constructor(
    private readonly store: SandboxStore,
    private readonly render: Renderer,
  ) {}

  getUser(id: string, options: ExpandOption = {}): UserObject | undefined {
    const record = this.store.users.get(id);
    return record && this.render.user(record, parseExpand(options.expand ?? [], 'user', false));
  }

  listUsers(): UserObject[] {
    return [...this.store.users.values()].map((u) => this.render.user(u));
  }

  getGroup(id: string, options: ExpandOption = {}): GroupObject | undefined {
    const record = this.store.groups.get(id);
    return record && this.render.group(record, parseExpand(options.expand ?? [], 'group', false));
  }

  listGroups(): GroupObject[] {
    return [...this.store.groups.values()].map((g) => this.render.group(g));
  }

  getMembership(userId: string, groupId: string): MembershipObject | undefined {
    const record = this.store.getMembership(userId, groupId);
    return record && this.render.membership(record);
  }

  /** Memberships of one user, of one group, or (no filter) all of them, in creation order. */
  listMemberships(filter: { user_id?: string; group_id?: string } = {}): MembershipObject[] {
    const records =
      filter.user_id !== undefined
        ? this.store.membershipsOfUser(filter.user_id)
        : filter.group_id !== undefined
          ? this.store.membershipsOfGroup(filter.group_id)
          : [...this.store.memberships.values()];
    return records
      .filter((m) => filter.group_id === undefined || m.group_id === filter.group_id)
      .map((m) => this.render.membership(m));
  }

  /** Tracked events (the API has no endpoint to read them back), oldest first. */
  listEvents(filter: { user_id?: string; group_id?: string; name?: string } = {}): EventObject[] {
    const ids =
      filter.user_id !== undefined
        ? this.store.eventsOfUser.get(filter.user_id)
        : filter.group_id !== undefined
          ? this.store.eventsOfGroup.get(filter.group_id)
          : undefined;
    const records = ids
      ? [...ids].map((id) => this.store.events.get(id)).filter((e): e is EventRecord => e !== undefined)
      : [...this.store.events.values()];
    return records
      .sort((a, b) => a.seq - b.seq)
      .filter((e) => filter.group_id === undefined || e.group_id === filter.group_id)
      .filter((e) => filter.name === undefined || e.name === filter.name)
      .map((e) => this.render.event(e));
  }

  getContent(id: string): ContentObject | undefined {
    const record = this.store.content.get(id);
    return record && this.render.content(record);
  }

  listContent(): ContentObject[] {
    return [...this.store.content.values()].map((c) => this.render.content(c));
  }

  getContentSession(id: string): ContentSessionObject | undefined {
    const record = this.store.sessions.get(id);
    return record && this.render.contentSession(record, { answers: {} });
  }

  listContentSessions(filter: { content_id?: string; user_id?: string } = {}): ContentSessionObject[] {
    return [...this.store.sessions.values()]
      .filter((s) => filter.content_id === undefined || s.content_id === filter.content_id)
      .filter((s) => filter.user_id === undefined || s.user_id === filter.user_id)
      .map((s) => this.render.contentSession(s));
  }

  listAttributeDefinitions(filter: { scope?: string } = {}): AttributeDefinitionObject[] {
    return [...this.store.definitions.attributes.values()]
      .filter((d) => filter.scope === undefined || d.scope === filter.scope)
      .map((d) => this.render.attributeDefinition(d));
  }

  listEventDefinitions(): EventDefinitionObject[] {
    return [...this.store.definitions.events.values()].map((d) => this.render.eventDefinition(d));
  }

  counts(): Record<
    'users' | 'groups' | 'memberships' | 'events' | 'content' | 'contentVersions' | 'contentSessions',
    number
  > {
    return {
      users: this.store.users.size,
      groups: this.store.groups.size,
      memberships: this.store.memberships.size,
      events: this.store.events.size,
      content: this.store.content.size,
      contentVersions: this.store.versions.size,
      contentSessions: this.store.sessions.size,
    };
  }

  /** The whole state in the seed-file format (what a snapshot file holds). */
  export(): SeedDocument {
    return exportSeed(this.store);
  }
}
