// An id-indexed collection kept in insertion order, so default-ordered pages start from a cursor in O(log n).

import type { BaseRecord } from './records.ts';

export class Table<T extends BaseRecord> {
  private readonly byId = new Map<string, T>();
  /** Every record ever inserted, in `seq` order; removed ones stay until compaction (see `isLive`). */
  private ordered: T[] = [];
  private dead = 0;
  private lastCreatedAt = Number.NEGATIVE_INFINITY;
  private lastSeq = Number.NEGATIVE_INFINITY;
  /** True while insertion order equals `created_at` order, which lets `created_at` pages skip sorting. */
  private monotonic = true;

  get size(): number {
    return this.byId.size;
  }

  /** Insertion order matches `(created_at, seq)` order. */
  get createdAtOrdered(): boolean {
    return this.monotonic;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Adds a new record; its `seq` must exceed every earlier one (the store's counter guarantees it). */
  insert(record: T): void {
    if (this.byId.has(record.id)) throw new Error(`duplicate id ${record.id}`);
    if (record.seq <= this.lastSeq) throw new Error('seq must increase');
    if (record.created_at < this.lastCreatedAt) this.monotonic = false;
    this.lastCreatedAt = Math.max(this.lastCreatedAt, record.created_at);
    this.lastSeq = record.seq;
    this.byId.set(record.id, record);
    this.ordered.push(record);
  }

  delete(id: string): T | undefined {
    const record = this.byId.get(id);
    if (!record) return undefined;
    this.byId.delete(id);
    this.dead++;
    if (this.dead > 1024 && this.dead > this.ordered.length / 2) this.compact();
    return record;
  }

  /** Live records in insertion order. */
  *values(): IterableIterator<T> {
    for (const record of this.ordered) if (this.isLive(record)) yield record;
  }

  /** Live records strictly after (or, descending, strictly before) the given seq, in insertion order. */
  *scan(afterSeq: number | undefined, descending: boolean): IterableIterator<T> {
    const list = this.ordered;
    if (!descending) {
      for (let i = afterSeq === undefined ? 0 : this.firstIndexAbove(afterSeq); i < list.length; i++) {
        const record = list[i] as T;
        if (this.isLive(record)) yield record;
      }
      return;
    }
    const start = afterSeq === undefined ? list.length - 1 : this.firstIndexAbove(afterSeq - 1) - 1;
    for (let i = start; i >= 0; i--) {
      const record = list[i] as T;
      if (this.isLive(record)) yield record;
    }
  }

  private isLive(record: T): boolean {
    return this.byId.get(record.id) === record;
  }

  /** Index of the first record with seq > the given one (binary search; seq is strictly increasing). */
  private firstIndexAbove(seq: number): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ordered[mid] as T).seq > seq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private compact(): void {
    this.ordered = this.ordered.filter((record) => this.isLive(record));
    this.dead = 0;
  }
}
