// Cursor pagination over a Table: ordering by one or more keys, `starting_after` by id, filters, has_more.

import { invalidParams, SandboxApiError } from './api-error.ts';
import type { BaseRecord } from './records.ts';
import type { Table } from './table.ts';

export type SortValue = string | number | boolean | null;

export interface OrderTerm<T> {
  key: string;
  get: (record: T) => SortValue;
  descending: boolean;
}

export interface PageSpec<T extends BaseRecord> {
  table: Table<T>;
  /** Human name used in the cursor error, e.g. `Content session`. */
  kind: string;
  limit: number;
  startingAfter?: string | undefined;
  /** Empty means `created_at` ascending. */
  order: readonly OrderTerm<T>[];
  filter?: ((record: T) => boolean) | undefined;
  /** A narrower set of live records from an index; scanned instead of the whole table. */
  candidates?: Iterable<T> | undefined;
  /** Reproduce Userflow's 500 when the cursor record has null in an `order_by` field. */
  nullCursorBug?: boolean;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

export function paginate<T extends BaseRecord>(spec: PageSpec<T>): Page<T> {
  const cursor = spec.startingAfter === undefined ? undefined : spec.table.get(spec.startingAfter);
  if (spec.startingAfter !== undefined && !cursor) {
    throw invalidParams('starting_after', `${spec.kind} with id '${spec.startingAfter}' not found`);
  }
  if (cursor && spec.nullCursorBug && spec.order.some((term) => term.get(cursor) === null)) {
    throw new SandboxApiError(500, 'internal_error', 'Internal server error');
  }
  const byCreation =
    spec.order.length === 0 || (spec.order.length === 1 && spec.order[0]?.key === 'created_at');
  if (byCreation && !spec.candidates && spec.table.createdAtOrdered) {
    return scanInsertionOrder(spec, cursor, spec.order[0]?.descending ?? false);
  }
  return sortAndSlice(spec, cursor);
}

/** The common case: insertion order is creation order, so start at the cursor and read `limit + 1`. */
function scanInsertionOrder<T extends BaseRecord>(
  spec: PageSpec<T>,
  cursor: T | undefined,
  desc: boolean,
): Page<T> {
  const data: T[] = [];
  for (const record of spec.table.scan(cursor?.seq, desc)) {
    if (spec.filter && !spec.filter(record)) continue;
    if (data.length === spec.limit) return { data, hasMore: true };
    data.push(record);
  }
  return { data, hasMore: false };
}

function sortAndSlice<T extends BaseRecord>(spec: PageSpec<T>, cursor: T | undefined): Page<T> {
  const compare = comparator(spec.order);
  const all: T[] = [];
  for (const record of spec.candidates ?? spec.table.values()) {
    if (!spec.filter || spec.filter(record)) all.push(record);
  }
  all.sort(compare);
  const start = cursor ? firstAfter(all, cursor, compare) : 0;
  return { data: all.slice(start, start + spec.limit), hasMore: all.length > start + spec.limit };
}

function firstAfter<T>(sorted: readonly T[], cursor: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(sorted[mid] as T, cursor) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Nulls sort last ascending and first descending (PostgreSQL's default); ties fall back to creation. */
export function comparator<T extends BaseRecord>(order: readonly OrderTerm<T>[]): (a: T, b: T) => number {
  const terms: readonly OrderTerm<T>[] = order.length
    ? order
    : [{ key: 'created_at', get: (r) => r.created_at, descending: false }];
  const lastDescending = terms[terms.length - 1]?.descending ?? false;
  return (a, b) => {
    for (const term of terms) {
      const result = compareValues(term.get(a), term.get(b));
      if (result !== 0) return term.descending ? -result : result;
    }
    const bySeq = a.seq - b.seq;
    return lastDescending ? -bySeq : bySeq;
  };
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
