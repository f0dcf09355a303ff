// The sandbox's in-memory state: tables, the indexes that keep requests O(1)/O(log n), and cascading deletes.

import { DefinitionRegistry } from './definitions.ts';
import {
  type Attributes,
  type ContentRecord,
  type ContentSessionRecord,
  type ContentVersionRecord,
  type EventRecord,
  type GroupRecord,
  type MembershipRecord,
  membershipKey,
  type UserRecord,
  type WebhookSubscriptionRecord,
} from './records.ts';
import { Table } from './table.ts';

export interface StoreDeps {
  /** Epoch ms. */
  now: () => number;
  /** Ids for objects Userflow names itself (definitions, answers): opaque strings. */
  newId: () => string;
}

/** A many-to-many index: key → set of ids. */
class Index {
  private readonly map = new Map<string, Set<string>>();
  add(key: string, id: string): void {
    const set = this.map.get(key);
    if (set) set.add(id);
    else this.map.set(key, new Set([id]));
  }
  remove(key: string, id: string): void {
    const set = this.map.get(key);
    if (!set) return;
    set.delete(id);
    if (set.size === 0) this.map.delete(key);
  }
  get(key: string): ReadonlySet<string> {
    return this.map.get(key) ?? EMPTY;
  }
}
const EMPTY: ReadonlySet<string> = new Set();

export class SandboxStore {
  readonly users = new Table<UserRecord>();
  readonly groups = new Table<GroupRecord>();
  readonly memberships = new Table<MembershipRecord>();
  readonly events = new Table<EventRecord>();
  readonly content = new Table<ContentRecord>();
  readonly versions = new Table<ContentVersionRecord>();
  readonly sessions = new Table<ContentSessionRecord>();
  readonly webhookSubscriptions = new Table<WebhookSubscriptionRecord>();
  readonly definitions: DefinitionRegistry;

  /** user id → group ids, and group id → user ids. */
  readonly groupsOfUser = new Index();
  readonly usersOfGroup = new Index();
  readonly eventsOfUser = new Index();
  readonly eventsOfGroup = new Index();
  readonly sessionsOfUser = new Index();
  readonly sessionsOfContent = new Index();
  readonly versionsOfContent = new Index();
  /** Lower-cased `email` attribute → user ids. */
  readonly usersByEmail = new Index();

  private seq = 0;
  private eventNumber = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly deps: StoreDeps) {
    this.definitions = new DefinitionRegistry({
      now: deps.now,
      newId: deps.newId,
      nextSeq: () => this.nextSeq(),
    });
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Called after every change (the snapshot writer listens). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  putUser(id: string, attributes: Attributes, createdAt?: number): UserRecord {
    const existing = this.users.get(id);
    if (existing) {
      this.reindexEmail(id, existing.attributes.email, attributes.email);
      existing.attributes = attributes;
      return existing;
    }
    const record: UserRecord = {
      id,
      seq: this.nextSeq(),
      created_at: createdAt ?? this.deps.now(),
      attributes,
    };
    this.users.insert(record);
    this.reindexEmail(id, undefined, attributes.email);
    return record;
  }

  putGroup(id: string, attributes: Attributes, createdAt?: number): GroupRecord {
    const existing = this.groups.get(id);
    if (existing) {
      existing.attributes = attributes;
      return existing;
    }
    const record: GroupRecord = {
      id,
      seq: this.nextSeq(),
      created_at: createdAt ?? this.deps.now(),
      attributes,
    };
    this.groups.insert(record);
    return record;
  }

  putMembership(
    userId: string,
    groupId: string,
    attributes: Attributes,
    createdAt?: number,
  ): MembershipRecord {
    const key = membershipKey(userId, groupId);
    const existing = this.memberships.get(key);
    if (existing) {
      existing.attributes = attributes;
      return existing;
    }
    const record: MembershipRecord = {
      id: key,
      seq: this.nextSeq(),
      created_at: createdAt ?? this.deps.now(),
      user_id: userId,
      group_id: groupId,
      attributes,
    };
    this.memberships.insert(record);
    this.groupsOfUser.add(userId, groupId);
    this.usersOfGroup.add(groupId, userId);
    return record;
  }

  getMembership(userId: string, groupId: string): MembershipRecord | undefined {
    return this.memberships.get(membershipKey(userId, groupId));
  }

  removeMembership(userId: string, groupId: string): boolean {
    if (!this.memberships.delete(membershipKey(userId, groupId))) return false;
    this.groupsOfUser.remove(userId, groupId);
    this.usersOfGroup.remove(groupId, userId);
    return true;
  }

  /** Memberships of a user, in creation order. */
  membershipsOfUser(userId: string): MembershipRecord[] {
    return sortBySeq([...this.groupsOfUser.get(userId)].map((g) => this.getMembership(userId, g)));
  }

  membershipsOfGroup(groupId: string): MembershipRecord[] {
    return sortBySeq([...this.usersOfGroup.get(groupId)].map((u) => this.getMembership(u, groupId)));
  }

  /** `restore` keeps an id and creation time from a seed or snapshot. */
  addEvent(
    input: Omit<EventRecord, 'id' | 'seq' | 'created_at'>,
    restore: { id?: string | undefined; created_at?: number | undefined } = {},
  ): EventRecord {
    // Userflow's sample event id is a numeric string, so events get a counter rather than a UUID.
    let id = restore.id;
    if (id === undefined) {
      do id = String(++this.eventNumber);
      while (this.events.has(id));
    }
    const created_at = restore.created_at ?? this.deps.now();
    const record: EventRecord = { id, seq: this.nextSeq(), created_at, ...input };
    this.events.insert(record);
    if (record.user_id !== null) this.eventsOfUser.add(record.user_id, record.id);
    if (record.group_id !== null) this.eventsOfGroup.add(record.group_id, record.id);
    return record;
  }

  /** Removes the user with their memberships, events and content sessions; their groups stay. */
  deleteUser(id: string): boolean {
    const record = this.users.delete(id);
    if (!record) return false;
    this.reindexEmail(id, record.attributes.email, undefined);
    for (const groupId of [...this.groupsOfUser.get(id)]) this.removeMembership(id, groupId);
    for (const eventId of [...this.eventsOfUser.get(id)]) this.deleteEvent(eventId);
    for (const sessionId of [...this.sessionsOfUser.get(id)]) this.deleteSession(sessionId);
    return true;
  }

  /** Removes the group with its memberships and events; its former members stay. */
  deleteGroup(id: string): boolean {
    if (!this.groups.delete(id)) return false;
    for (const userId of [...this.usersOfGroup.get(id)]) this.removeMembership(userId, id);
    for (const eventId of [...this.eventsOfGroup.get(id)]) this.deleteEvent(eventId);
    return true;
  }

  deleteEvent(id: string): void {
    const record = this.events.delete(id);
    if (!record) return;
    if (record.user_id !== null) this.eventsOfUser.remove(record.user_id, id);
    if (record.group_id !== null) this.eventsOfGroup.remove(record.group_id, id);
  }

  insertContent(record: ContentRecord): void {
    this.content.insert(record);
  }

  insertVersion(record: ContentVersionRecord): void {
    this.versions.insert(record);
    this.versionsOfContent.add(record.content_id, record.id);
  }

  insertSession(record: ContentSessionRecord): void {
    this.sessions.insert(record);
    this.sessionsOfUser.add(record.user_id, record.id);
    this.sessionsOfContent.add(record.content_id, record.id);
  }

  deleteSession(id: string): boolean {
    const record = this.sessions.delete(id);
    if (!record) return false;
    this.sessionsOfUser.remove(record.user_id, id);
    this.sessionsOfContent.remove(record.content_id, id);
    return true;
  }

  /** Restores counters after loading records that carry their own seq/event ids (snapshots, seeds). */
  advanceCounters(seq: number, eventNumber: number): void {
    this.seq = Math.max(this.seq, seq);
    this.eventNumber = Math.max(this.eventNumber, eventNumber);
  }

  counters(): { seq: number; eventNumber: number } {
    return { seq: this.seq, eventNumber: this.eventNumber };
  }

  private reindexEmail(id: string, before: unknown, after: unknown): void {
    if (before === after) return;
    if (typeof before === 'string') this.usersByEmail.remove(before.toLowerCase(), id);
    if (typeof after === 'string') this.usersByEmail.add(after.toLowerCase(), id);
  }
}

function sortBySeq<T extends { seq: number }>(records: (T | undefined)[]): T[] {
  return records.filter((r): r is T => r !== undefined).sort((a, b) => a.seq - b.seq);
}
