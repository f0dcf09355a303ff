import { describe, expect, it } from 'vitest';
import { SyncError } from '../../../lib/sync/errors.ts';
import { compareKeys } from '../../../lib/sync/key-order.ts';
import { StateCursor } from '../../../lib/sync/state-cursor.ts';
import type { EntityState, ScannedEntry } from '../../../lib/sync/state-store.ts';

/** A store whose `scan` pages through `keys` (kept sorted, and growable mid-walk), recording each call. */
function fakeStore(initial: string[], order = compareKeys) {
  const keys = [...initial].sort(order);
  const scans: { after: string; limit: number }[] = [];
  const entry = (key: string): ScannedEntry => ({ key, hash: `h-${key}`, attributes: () => ({}) });
  const store: Pick<EntityState, 'kind' | 'scan'> = {
    kind: 'users',
    async scan(after: string, limit: number) {
      scans.push({ after, limit });
      return keys
        .filter((k) => after === '' || order(k, after) > 0)
        .slice(0, limit)
        .map(entry);
    },
  };
  return { store, scans, keys };
}

/** Merges `rows` (sorted) through a cursor; returns what each row met and what vanished. */
async function merge(cursor: StateCursor, rows: string[]) {
  const vanished: string[] = [];
  const onVanished = (e: ScannedEntry) => void vanished.push(e.key);
  const met: (string | undefined)[] = [];
  for (const key of rows) {
    while (!cursor.covers(key)) await cursor.advance(onVanished);
    met.push(cursor.take(key, onVanished)?.hash);
  }
  while (!cursor.done) await cursor.advance(onVanished);
  return { met, vanished };
}

describe('StateCursor', () => {
  it('meets each stored row and passes the rest as vanished, across pages', async () => {
    const stored = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const { store, scans } = fakeStore(stored);
    const result = await merge(new StateCursor(store, 3), ['b', 'bb', 'f', 'zz']);
    expect(result.met).toEqual(['h-b', undefined, 'h-f', undefined]);
    expect(result.vanished).toEqual(['a', 'c', 'd', 'e', 'g']);
    // Each page starts after the last key of the one before; the short page ends it.
    expect(scans).toEqual([
      { after: '', limit: 3 },
      { after: 'c', limit: 3 },
      { after: 'f', limit: 3 },
    ]);
  });

  it('passes every stored entry as vanished when the query returns nothing', async () => {
    const { store } = fakeStore(['x', 'y', 'z']);
    expect(await merge(new StateCursor(store, 2), [])).toEqual({
      met: [],
      vanished: ['x', 'y', 'z'],
    });
  });

  it('reports nothing vanished over an empty state', async () => {
    const { store } = fakeStore([]);
    expect(await merge(new StateCursor(store, 2), ['a', 'b'])).toEqual({
      met: [undefined, undefined],
      vanished: [],
    });
  });

  it('never meets a key committed behind it while it walks (new rows are not vanished rows)', async () => {
    const { store, keys } = fakeStore(['b', 'd', 'f', 'h']);
    const cursor = new StateCursor(store, 2);
    const vanished: string[] = [];
    const onVanished = (e: ScannedEntry) => void vanished.push(e.key);
    for (const key of ['a', 'c', 'e', 'g', 'i']) {
      while (!cursor.covers(key)) await cursor.advance(onVanished);
      if (!cursor.take(key, onVanished)) {
        // As a run does: a created row is committed before the walk goes on.
        keys.push(key);
        keys.sort(compareKeys);
      }
    }
    while (!cursor.done) await cursor.advance(onVanished);
    expect(vanished).toEqual(['b', 'd', 'f', 'h']);
  });

  it('stops when the store pages in another order', async () => {
    // UTF-16 order: '😀' before '\uffff', the reverse of code point order.
    const { store } = fakeStore(['\uffff', '😀', 'a'], (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const cursor = new StateCursor(store, 10);
    const error = await cursor.advance(() => {}).catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: 'state_order' });
  });
});
