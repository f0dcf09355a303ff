// Cursor pagination as a property: following starting_after visits every matching record once, in order.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SandboxApiError } from '../../../lib/sandbox/api-error.ts';
import { comparator, type OrderTerm, paginate } from '../../../lib/sandbox/paginate.ts';
import type { BaseRecord } from '../../../lib/sandbox/records.ts';
import { Table } from '../../../lib/sandbox/table.ts';

interface Row extends BaseRecord {
  score: number | null;
  even: boolean;
}

const KEYS = {
  created_at: (r: Row) => r.created_at,
  score: (r: Row) => r.score,
};

function build(createdAts: number[], scores: (number | null)[], deleted: boolean[]): Table<Row> {
  const table = new Table<Row>();
  createdAts.forEach((created_at, i) => {
    table.insert({ id: `r${i}`, seq: i + 1, created_at, score: scores[i] ?? null, even: i % 2 === 0 });
  });
  deleted.forEach((gone, i) => {
    if (gone) table.delete(`r${i}`);
  });
  return table;
}

function walk(
  table: Table<Row>,
  order: OrderTerm<Row>[],
  limit: number,
  filter?: (r: Row) => boolean,
): string[] {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = paginate({ table, kind: 'Row', limit, startingAfter: cursor, order, filter });
    seen.push(...page.data.map((r) => r.id));
    if (!page.hasMore) return seen;
    cursor = page.data[page.data.length - 1]?.id;
  }
  throw new Error('pagination did not end');
}

const orderArb = fc.array(
  fc.record({ key: fc.constantFrom<keyof typeof KEYS>('created_at', 'score'), descending: fc.boolean() }),
  { maxLength: 2 },
);

describe('paginate', () => {
  it('visits every live, matching record exactly once, in comparator order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 40 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }), { maxLength: 40 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        orderArb,
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        fc.boolean(),
        (createdAts, scores, deleted, orderSpec, limit, onlyEven, inCreationOrder) => {
          // Sorted creation times let the insertion-order fast path run; unsorted ones force the sort path.
          const created = inCreationOrder ? [...createdAts].sort((a, b) => a - b) : createdAts;
          const table = build(created, scores, deleted);
          const order = orderSpec.map(({ key, descending }) => ({ key, get: KEYS[key], descending }));
          const filter = onlyEven ? (r: Row) => r.even : undefined;
          const expected = [...table.values()].filter((r) => !filter || filter(r)).sort(comparator(order));
          expect(walk(table, order, limit, filter)).toEqual(expected.map((r) => r.id));
        },
      ),
    );
  });

  it('says has_more on every page but the last when the records fill whole pages (sort path)', () => {
    // Scores 4, 1, 3, 2 sort to r1, r3, r2, r0; four records in pages of two.
    const table = build([1, 2, 3, 4], [4, 1, 3, 2], []);
    const order = [{ key: 'score', get: KEYS.score, descending: false }];
    const page = (limit: number, startingAfter?: string) => {
      const { data, hasMore } = paginate({ table, kind: 'Row', limit, startingAfter, order });
      return { ids: data.map((r) => r.id), hasMore };
    };
    expect(page(2)).toEqual({ ids: ['r1', 'r3'], hasMore: true });
    expect(page(2, 'r3')).toEqual({ ids: ['r2', 'r0'], hasMore: false });
    expect(page(4)).toEqual({ ids: ['r1', 'r3', 'r2', 'r0'], hasMore: false });
    expect(page(3)).toEqual({ ids: ['r1', 'r3', 'r2'], hasMore: true });
    expect(page(3, 'r2')).toEqual({ ids: ['r0'], hasMore: false });
  });

  it('says has_more on every page but the last when the records fill whole pages (insertion order)', () => {
    const table = build([1, 2, 3, 4], [], []);
    const page = (limit: number, startingAfter?: string) => {
      const { data, hasMore } = paginate({ table, kind: 'Row', limit, startingAfter, order: [] });
      return { ids: data.map((r) => r.id), hasMore };
    };
    expect(page(2)).toEqual({ ids: ['r0', 'r1'], hasMore: true });
    expect(page(2, 'r1')).toEqual({ ids: ['r2', 'r3'], hasMore: false });
    expect(page(4)).toEqual({ ids: ['r0', 'r1', 'r2', 'r3'], hasMore: false });
  });

  it('takes the fast path only while insertion order is creation order, with the same answers', () => {
    const ordered = build([1, 2, 3, 4, 5], [], []);
    const shuffled = build([5, 1, 4, 2, 3], [], []);
    expect(ordered.createdAtOrdered).toBe(true);
    expect(shuffled.createdAtOrdered).toBe(false);
    expect(walk(shuffled, [], 2)).toEqual(['r1', 'r3', 'r4', 'r2', 'r0']);
    expect(walk(ordered, [{ key: 'created_at', get: KEYS.created_at, descending: true }], 2)).toEqual([
      'r4',
      'r3',
      'r2',
      'r1',
      'r0',
    ]);
  });

  it('keeps cursors working after the table compacts its deleted rows', () => {
    const table = build(
      Array.from({ length: 3000 }, (_, i) => i),
      [],
      Array.from({ length: 3000 }, (_, i) => i % 3 !== 0),
    );
    const page = paginate({ table, kind: 'Row', limit: 3, startingAfter: 'r2997', order: [] });
    expect(page).toEqual({ data: [], hasMore: false });
    const middle = paginate({ table, kind: 'Row', limit: 2, startingAfter: 'r1500', order: [] });
    expect(middle.data.map((r) => r.id)).toEqual(['r1503', 'r1506']);
    expect(table.size).toBe(1000);
  });

  it('continues after a cursor that the filter excludes', () => {
    const table = build([1, 2, 3, 4], [], []);
    const page = paginate({
      table,
      kind: 'Row',
      limit: 10,
      startingAfter: 'r1',
      order: [],
      filter: (r) => r.even,
    });
    expect(page.data.map((r) => r.id)).toEqual(['r2']);
  });

  it('rejects a deleted or unknown cursor with the documented message', () => {
    const table = build([1, 2], [], [false, true]);
    const error = (() => {
      try {
        paginate({ table, kind: 'Content session', limit: 1, startingAfter: 'r1', order: [] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SandboxApiError);
    expect((error as SandboxApiError).message).toBe("starting_after: Content session with id 'r1' not found");
  });

  it('reproduces the null-cursor 500 only with the flag', () => {
    const table = build([1, 2, 3], [null, 1, 2], []);
    const order = [{ key: 'score', get: KEYS.score, descending: false }];
    expect(paginate({ table, kind: 'Row', limit: 1, startingAfter: 'r0', order }).data).toEqual([]);
    expect(() =>
      paginate({ table, kind: 'Row', limit: 1, startingAfter: 'r0', order, nullCursorBug: true }),
    ).toThrow('Internal server error');
  });
});
