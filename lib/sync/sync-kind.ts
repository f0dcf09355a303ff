// The passes of one sync run: a kind on its own, or users and memberships side by side so that each user's
// changed memberships travel in the user's own upsert. Each queues its commands in chunks, then stores them.
import type { Envelope } from '../commands/index.ts';
import { type ChangeInput, commandFor, envelopeFor, foldedEnvelopeFor, userUpsertsFor } from './commands.ts';
import { type EntityKind, splitMembershipKey } from './entity.ts';
import { compareKeys } from './key-order.ts';
import { KindScan, type ScanItem, type ScannedChange } from './kind-scan.ts';
import type { Database } from './postgres.ts';
import type { RunCounts, StateEntry, SyncStateStore } from './state-store.ts';
import type { SyncFile } from './sync-file.ts';

export interface KindRun {
  file: SyncFile;
  db: Database;
  state: SyncStateStore;
  runId: number;
  dryRun: boolean;
  startedAt: Date;
  counts: RunCounts;
  /** Tallies one change (and may keep it as a sample). */
  record(input: ChangeInput): void;
  /** Queues a chunk's commands (nothing in a dry run). */
  send(envelopes: Envelope[]): Promise<void>;
  /** After each fetched batch, and once the kind is done: rows of `kind` diffed so far. */
  progress(kind: EntityKind, read: number): void;
}

/** What one chunk queues, and the changes to store once the queue took it. */
class Chunk {
  envelopes: Envelope[] = [];
  private readonly changed = new Map<KindScan, StateEntry[]>();

  constructor(
    private readonly run: KindRun,
    private readonly scans: readonly KindScan[],
  ) {
    for (const scan of scans) this.changed.set(scan, []);
  }

  add(envelopes: readonly Envelope[], changes: readonly ScannedChange[], scan: KindScan): void {
    this.envelopes.push(...envelopes);
    (this.changed.get(scan) as StateEntry[]).push(...changes.map((c) => c.entry));
  }

  // Chunks of changes, not of rows: most rows change nothing, and each queue send and commit has a fixed cost.
  get full(): boolean {
    const { batch_size } = this.run.file;
    return (
      this.envelopes.length >= batch_size ||
      this.scans.some((s) => s.waiting + (this.changed.get(s) as StateEntry[]).length >= batch_size)
    );
  }

  async commit(): Promise<void> {
    await this.run.send(this.envelopes);
    // Only after the queue took the chunk.
    for (const scan of this.scans) await scan.commit(this.changed.get(scan) as StateEntry[], this.run.dryRun);
    this.envelopes = [];
    for (const scan of this.scans) this.changed.set(scan, []);
  }
}

const scanOf = (run: KindRun, kind: EntityKind, db = run.db) =>
  new KindScan(run.file, kind, db, run.state, run.runId, run.counts);

/**
 * Syncs one kind, one command per change, and returns how many stored entities vanished from its query. In
 * mirror mode, when they are to be removed, they are marked gone in the state, for the removal pass to find
 * after the deletion cap check.
 */
export async function syncKind(run: KindRun, kind: EntityKind): Promise<{ vanished: number }> {
  const scan = scanOf(run, kind);
  const chunk = new Chunk(run, [scan]);
  let read = 0;
  for await (const item of scan.items()) {
    if (item.type === 'progress') {
      if (chunk.full) await chunk.commit();
      read = item.read;
      run.progress(kind, read);
      continue;
    }
    run.record(item.input);
    const command = commandFor(item.input, run.file.mode, run.file.delete);
    const envelopes = command ? [envelopeFor(run.file.name, item.input, command, run.startedAt)] : [];
    chunk.add(envelopes, [item], scan);
  }
  await chunk.commit();
  // Once more after the last chunk is queued: the kind's last report agrees with the run's summary.
  run.progress(kind, read);
  return { vanished: scan.vanished };
}

/**
 * Users and memberships in one pass: both queries come in user order, so each changed user's changed
 * memberships are gathered beside it and sent in its one upsert; the memberships of a user that did not change
 * (or has no users row) share one upsert too. `membershipsDb` is a second connection: a PostgreSQL connection
 * streams one cursor at a time.
 */
export async function syncUsersAndMemberships(
  run: KindRun,
  membershipsDb: Database,
): Promise<{ users: number; memberships: number }> {
  const users = run.file.users ? scanOf(run, 'users') : undefined;
  const memberships = scanOf(run, 'memberships', membershipsDb);
  const chunk = new Chunk(run, users ? [users, memberships] : [memberships]);
  const pending = memberships.items()[Symbol.asyncIterator]();
  let peeked: ScannedChange | undefined;
  let finished = false;
  const read = { users: 0, memberships: 0 };

  const handled = async (
    item: ScanItem,
    kind: 'users' | 'memberships',
  ): Promise<ScannedChange | undefined> => {
    if (item.type === 'change') return item;
    // The changes gathered but not yet added are not in the chunk, so nothing unsent is stored.
    if (chunk.full) await chunk.commit();
    read[kind] = item.read;
    run.progress(kind, item.read);
    return undefined;
  };
  const nextMembership = async (): Promise<ScannedChange | undefined> => {
    if (peeked) {
      const change = peeked;
      peeked = undefined;
      return change;
    }
    while (!finished) {
      const next = await pending.next();
      if (next.done) finished = true;
      else {
        const change = await handled(next.value, 'memberships');
        if (change) return change;
      }
    }
    return undefined;
  };
  const emit = (userId: string, user: ScannedChange | undefined, own: readonly ScannedChange[]) => {
    const parts = [...(user ? [user.input] : []), ...own.map((m) => m.input)];
    for (const input of parts) run.record(input);
    const commands = userUpsertsFor(
      userId,
      user?.input,
      own.map((m) => m.input),
      run.file.mode,
    );
    const envelopes = commands.map((command, i) =>
      foldedEnvelopeFor(run.file.name, parts, i, command, run.startedAt),
    );
    if (user && users) chunk.add(envelopes, [user], users);
    chunk.add(user ? [] : envelopes, own, memberships);
  };
  /** Sends the memberships of users before `userId` (all when undefined); returns those of `userId`. */
  const membershipsUpTo = async (userId: string | undefined): Promise<ScannedChange[]> => {
    const own: ScannedChange[] = [];
    let run: { userId: string; changes: ScannedChange[] } | undefined;
    for (let change = await nextMembership(); change; change = await nextMembership()) {
      const owner = splitMembershipKey(change.input.key).user_id;
      const order = userId === undefined ? -1 : compareKeys(owner, userId);
      if (order > 0) {
        peeked = change;
        break;
      }
      if (order === 0) own.push(change);
      else if (run?.userId === owner) run.changes.push(change);
      else {
        if (run) emit(run.userId, undefined, run.changes);
        run = { userId: owner, changes: [change] };
      }
    }
    if (run) emit(run.userId, undefined, run.changes);
    return own;
  };

  if (users) {
    for await (const item of users.items()) {
      const user = await handled(item, 'users');
      if (user) emit(user.input.key, user, await membershipsUpTo(user.input.key));
    }
  }
  await membershipsUpTo(undefined);
  await chunk.commit();
  if (users) run.progress('users', read.users);
  run.progress('memberships', read.memberships);
  return { users: users?.vanished ?? 0, memberships: memberships.vanished };
}
