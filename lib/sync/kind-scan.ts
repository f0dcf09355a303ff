// One kind's query read in key order and merged with its stored state: yields each change, keeps what is safe to
// store at any time (moved hashes, vanished entries) for the next commit. Drivers decide what each change sends.
import type { ChangeInput } from './commands.ts';
import { diffEntity } from './diff.ts';
import type { EntityKind } from './entity.ts';
import { SyncError } from './errors.ts';
import { mappingPrefix } from './fingerprint.ts';
import { compareKeys } from './key-order.ts';
import type { Database } from './postgres.ts';
import { splitRecord } from './record-text.ts';
import { createRowMapper } from './row-mapper.ts';
import { StateCursor } from './state-cursor.ts';
import type { EntityState, RunCounts, ScannedEntry, StateEntry, SyncStateStore } from './state-store.ts';
import type { SyncFile } from './sync-file.ts';
import { HASH, KEY, orderedQuery, RECORD } from './sync-query.ts';
import { outOfOrder, readColumns, streamRows } from './sync-reads.ts';

/** A change and the state entry to store once its command is queued (not before: a crash must re-send it). */
export interface ScannedChange {
  type: 'change';
  input: ChangeInput;
  entry: StateEntry;
}

/** After each fetched batch of rows: how many rows of this kind were diffed so far. */
export interface ScanProgress {
  type: 'progress';
  read: number;
}

export type ScanItem = ScannedChange | ScanProgress;

/** State entries read per page of the merge: more than a chunk of rows, fewer round trips. */
const MIN_STATE_PAGE = 1000;

interface Row {
  key: string;
  hash: string;
  /** The row's text (`record_out`), split and parsed only if its hash moved. */
  record: string;
}

export class KindScan {
  vanished = 0;
  /** Entries safe to store whenever the driver commits: a moved hash without a change, nothing to queue. */
  private quiet: StateEntry[] = [];
  private gone: ScannedEntry[] = [];
  private readonly keepsGone: boolean;
  private readonly pageSize: number;
  private readonly entities: EntityState;

  constructor(
    private readonly file: SyncFile,
    readonly kind: EntityKind,
    private readonly db: Database,
    state: SyncStateStore,
    private readonly runId: number,
    private readonly counts: RunCounts,
  ) {
    this.entities = state.entities(file.name, kind);
    this.keepsGone = file.mode === 'mirror' && (kind === 'memberships' || file.delete);
    this.pageSize = Math.max(file.batch_size, MIN_STATE_PAGE);
  }

  /** Entries waiting for the next commit that are not changes (the driver counts its own changes). */
  get waiting(): number {
    return this.quiet.length + this.gone.length;
  }

  /** Stores the changes whose commands were just queued, with what was safe to store anyway. */
  async commit(changed: StateEntry[], dryRun: boolean): Promise<void> {
    const entries = dryRun ? [] : [...this.quiet, ...changed];
    // A dry run records what it saw, never what it would have sent.
    await this.entities.commit(this.runId, { changed: entries, gone: this.gone });
    this.quiet = [];
    this.gone = [];
  }

  async *items(): AsyncGenerator<ScanItem> {
    const { file, kind, counts } = this;
    const query = file[kind];
    if (!query) return;
    const columns = await readColumns(this.db, file, kind, query.query);
    const names = columns.map((c) => c.name);
    const mapper = createRowMapper(kind, query, names, file.path);
    const parsers = columns.map((c) => this.db.parser(c.typeId));
    const parse = (record: string): unknown[] => {
      let texts: (string | null)[];
      try {
        texts = splitRecord(record);
      } catch (error) {
        throw new SyncError(
          'bad_row',
          `${file.path}: ${kind}.query: a row came back in a form the sync cannot read`,
          { cause: error },
        );
      }
      if (texts.length !== columns.length) throw columnsChanged(file, kind);
      return texts.map((text, i) => (text === null ? null : (parsers[i] as (t: string) => unknown)(text)));
    };
    const prefix = mappingPrefix(mapper.signature);
    const cursor = new StateCursor(this.entities, this.pageSize);
    const onVanished = (entry: ScannedEntry) => {
      this.vanished += 1;
      if (this.keepsGone) this.gone.push(entry);
    };
    // Reads state pages up to `key`; a long stretch of vanished entries is marked gone page by page.
    const reach = async (key?: string) => {
      while (key === undefined ? !cursor.done : !cursor.covers(key)) {
        await cursor.advance(onVanished);
        if (this.gone.length >= this.pageSize) {
          await this.entities.commit(this.runId, { changed: [], gone: this.gone });
          this.gone = [];
        }
      }
    };

    // Called only once the cursor covers the row's key.
    const diffRow = (row: Row): ScannedChange | undefined => {
      const before = cursor.take(row.key, onVanished);
      if (before && sameHash(before.hash, prefix, row.hash)) {
        counts.unchanged += 1;
        return undefined;
      }
      const hash = prefix + row.hash;
      const diff = diffEntity(mapper.entity(parse(row.record), row.key), before, hash);
      if (diff.change === 'unchanged') {
        // The row moved but no attribute did (an excluded column, a reordered query): remember the new hash.
        counts.unchanged += 1;
        if (diff.next) this.quiet.push({ key: row.key, state: diff.next });
        return undefined;
      }
      const input: ChangeInput = {
        kind,
        key: row.key,
        change: diff.change,
        attributes: diff.attributes,
        hash,
      };
      return { type: 'change', input, entry: { key: row.key, state: diff.next } };
    };

    // Each row is diffed once the next one shows it has no duplicate (sorted rows put duplicates side by side).
    let pending: Row | undefined;
    let read = 0;
    const [encoding] = await this.db.query<{ server_encoding: string }>('SHOW server_encoding');
    const ordered = orderedQuery(kind, query.query, names, encoding?.server_encoding ?? '');
    for await (const batch of streamRows(this.db, file, kind, ordered, file.batch_size)) {
      read += batch.rows.length;
      counts.read += batch.rows.length;
      for (const values of batch.rows) {
        const key = values[KEY];
        if (key === null || key === undefined) {
          counts.skipped += 1;
          continue;
        }
        const hash = values[HASH] as string;
        const record = values[RECORD] as string;
        if (pending) {
          const order = compareKeys(key, pending.key);
          if (order === 0) {
            // The query returned the key twice: one row is kept, the same one every run (the lower hash).
            counts.skipped += 1;
            if (hash < pending.hash) pending = { key, hash, record };
            continue;
          }
          if (order < 0) throw outOfOrder(file, kind);
          if (!cursor.covers(pending.key)) await reach(pending.key);
          const change = diffRow(pending);
          if (change) yield change;
        }
        pending = { key, hash, record };
      }
      // The row held back for the duplicate check is not diffed yet, so not counted as read.
      yield { type: 'progress', read: pending ? read - 1 : read };
    }
    if (pending) {
      await reach(pending.key);
      const change = diffRow(pending);
      if (change) yield change;
    }
    // Whatever is stored after the last row vanished too.
    await reach();
    yield { type: 'progress', read };
  }
}

/** `stored === prefix + hash`, without building the string for every row. */
function sameHash(stored: string, prefix: string, hash: string): boolean {
  return stored.length === prefix.length + hash.length && stored.startsWith(prefix) && stored.endsWith(hash);
}

// The query's shape moved between reading its columns and reading its rows (a `SELECT *` on an altered table).
function columnsChanged(file: SyncFile, kind: EntityKind): SyncError {
  return new SyncError(
    'columns_changed',
    `${file.path}: ${kind}.query returned other columns while the sync ran; run it again`,
    { retryable: true },
  );
}
