// Walks one kind's stored state in key order beside the query's rows, sorted the same way (a merge join): each
// row meets its stored entry, and stored entries no row met are the entities that vanished. Paged both ways.
import { SyncError } from './errors.ts';
import { compareKeys } from './key-order.ts';
import type { EntityState, ScannedEntry } from './state-store.ts';

export type OnVanished = (entry: ScannedEntry) => void;

/**
 * Keys must be asked for in increasing order. Use: `while (!cursor.covers(key)) await cursor.advance(onVanished)`,
 * then `cursor.take(key, onVanished)` — the await happens once per page, not per row.
 *
 * The next page is fetched while this one is merged. That never returns an entry this run wrote: the run
 * commits only keys it has merged, all at or before the current page's last key, and the next page starts after
 * it.
 */
export class StateCursor {
  private page: ScannedEntry[] = [];
  private at = 0;
  private last = '';
  private exhausted = false;
  private next: Promise<ScannedEntry[]> | undefined;

  constructor(
    private readonly entities: Pick<EntityState, 'kind' | 'scan'>,
    private readonly pageSize: number,
  ) {}

  /** True when the entry for `key`, if stored, is in the current page: `take` can answer without waiting. */
  covers(key: string): boolean {
    return this.exhausted || (this.page.length > 0 && compareKeys(this.last, key) >= 0);
  }

  /** All stored entries have been read (those left in the page are still to be taken or passed). */
  get done(): boolean {
    return this.exhausted && this.at >= this.page.length;
  }

  /** Passes the rest of the page (vanished: no row asked for them) and reads the next one. */
  async advance(onVanished: OnVanished): Promise<void> {
    this.pass(undefined, onVanished);
    if (this.exhausted) return;
    const page = await (this.next ?? this.fetch());
    this.next = undefined;
    this.check(page);
    this.page = page;
    this.at = 0;
    this.exhausted = page.length < this.pageSize;
    if (page.length) this.last = (page.at(-1) as ScannedEntry).key;
    if (!this.exhausted) {
      this.next = this.fetch();
      // If the run stops before awaiting it, its failure must not surface as an unhandled rejection.
      this.next.catch(() => {});
    }
  }

  /** The stored entry for `key`, or undefined; entries before it that no row asked for are passed as vanished. */
  take(key: string, onVanished: OnVanished): ScannedEntry | undefined {
    this.pass(key, onVanished);
    const entry = this.page[this.at];
    if (entry?.key !== key) return undefined;
    this.at += 1;
    return entry;
  }

  private pass(before: string | undefined, onVanished: OnVanished): void {
    for (; this.at < this.page.length; this.at++) {
      const entry = this.page[this.at] as ScannedEntry;
      if (before !== undefined && compareKeys(entry.key, before) >= 0) return;
      onVanished(entry);
    }
  }

  private fetch(): Promise<ScannedEntry[]> {
    return this.entities.scan(this.last, this.pageSize);
  }

  // A store that pages in another order would make present entities look vanished: stop instead.
  private check(page: readonly ScannedEntry[]): void {
    let previous = this.last;
    for (const { key } of page) {
      if (previous !== '' && compareKeys(previous, key) >= 0) {
        // No keys in the message: they are user and group ids.
        throw new SyncError(
          'state_order',
          `the sync state of ${this.entities.kind} did not come back in key order; is the state database UTF-8?`,
        );
      }
      previous = key;
    }
  }
}
