// The DynamoDB sync state store against dynalite over the real DynamoDB protocol: paging, batching, retries, runs.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDynamoDbStateStore, SYNC_STATE_TABLE_SCHEMA } from '../../../lib/sync/dynamodb-state-store.ts';
import { SyncError } from '../../../lib/sync/errors.ts';
import type { RunCounts, StateEntry, SyncStateStore } from '../../../lib/sync/state-store.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../../helpers/dynamodb-emulator.ts';

let ddb: DynamoDbEmulator;
let doc: DynamoDBDocumentClient;
let tables = 0;

beforeAll(async () => {
  ddb = await startDynamoDbEmulator();
  doc = DynamoDBDocumentClient.from(ddb.client);
});
afterAll(async () => {
  await ddb?.close();
});

/** A store on a fresh table, so tests share nothing. */
async function freshStore(
  options: Partial<Parameters<typeof openDynamoDbStateStore>[0]> = {},
): Promise<SyncStateStore> {
  tables += 1;
  const tableName = `sync-state-${tables}`;
  await ddb.createTable(tableName, SYNC_STATE_TABLE_SCHEMA);
  return openDynamoDbStateStore({ tableName, client: doc, ...options });
}

const entry = (
  key: string,
  hash = `h-${key}`,
  attributes: Record<string, string> = { plan: `p-${key}` },
): StateEntry => ({
  key,
  state: { hash, attributes },
});
const keys = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const counts = (read: number): RunCounts => ({
  read,
  created: 0,
  updated: 0,
  unchanged: 0,
  removed: 0,
  skipped: 0,
  queued: 0,
});

/** A client whose first `failFirst` calls of each batch operation leave part of their request unprocessed, as throttling does. */
function throttlingClient(failFirst: number, calls: string[] = []) {
  const throttled = new Map<string, number>();
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name;
    calls.push(name);
    const seen = throttled.get(name) ?? 0;
    if (seen < failFirst && (name === 'BatchGetCommand' || name === 'BatchWriteCommand')) {
      throttled.set(name, seen + 1);
      const [table, request] = Object.entries(command.input.RequestItems as Record<string, unknown>)[0] as [
        string,
        { Keys?: unknown[] } | unknown[],
      ];
      if (name === 'BatchGetCommand') {
        const all = (request as { Keys: unknown[] }).Keys;
        const half = Math.ceil(all.length / 2);
        command.input.RequestItems = { [table]: { ...(request as object), Keys: all.slice(0, half) } };
        const out = (await doc.send(command as never)) as Record<string, unknown>;
        return { ...out, UnprocessedKeys: { [table]: { ...(request as object), Keys: all.slice(half) } } };
      }
      const all = request as unknown[];
      const half = Math.ceil(all.length / 2);
      command.input.RequestItems = { [table]: all.slice(0, half) };
      await doc.send(command as never);
      return { UnprocessedItems: { [table]: all.slice(half) } };
    }
    return doc.send(command as never);
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

describe('DynamoDB sync state store', () => {
  it('looks up what was committed, across BatchGetItem chunks, with lazily decoded fingerprints', async () => {
    const state = await freshStore();
    const stored = keys(250).map((k) => entry(k));
    await state.commit('app', 'users', 7, stored, []);

    const found = await state.lookup('app', 'users', [...keys(260), 'u3']);
    expect(found.size).toBe(250);
    const u42 = found.get('u42');
    expect(u42).toMatchObject({ hash: 'h-u42', seenRun: 7 });
    expect(u42?.attributes()).toEqual({ plan: 'p-u42' });
    expect(found.has('u255')).toBe(false);
    // Another kind and another sync are other partitions.
    expect((await state.lookup('app', 'groups', ['u1'])).size).toBe(0);
    expect((await state.lookup('other', 'users', ['u1'])).size).toBe(0);
  });

  it('overwrites a changed entry and marks seen ones without touching their fingerprint', async () => {
    const calls: string[] = [];
    const state = await freshStore({ client: throttlingClient(0, calls) });
    await state.commit('app', 'users', 1, [entry('a'), entry('b'), entry('c')], []);
    // As runSync does: look the chunk up, then commit it.
    await state.lookup('app', 'users', ['a', 'b']);
    calls.length = 0;
    await state.commit('app', 'users', 2, [entry('a', 'h-a2', { plan: 'pro' })], ['a', 'b']);
    // The seen mark of a looked-up key rides in the same batch write as the changes.
    expect(calls).toEqual(['BatchWriteCommand']);

    const found = await state.lookup('app', 'users', ['a', 'b', 'c']);
    expect(found.get('a')).toMatchObject({ hash: 'h-a2', seenRun: 2 });
    expect(found.get('a')?.attributes()).toEqual({ plan: 'pro' });
    expect(found.get('b')).toMatchObject({ hash: 'h-b', seenRun: 2 });
    expect(found.get('b')?.attributes()).toEqual({ plan: 'p-b' });
    expect(found.get('c')).toMatchObject({ seenRun: 1 });
  });

  it('marks keys it did not just look up one by one, keeping their fingerprint', async () => {
    const state = await freshStore();
    await state.commit('app', 'users', 1, [entry('a'), entry('b')], []);
    await state.commit('app', 'users', 2, [], ['b']);
    const found = await state.lookup('app', 'users', ['a', 'b']);
    expect(found.get('a')).toMatchObject({ seenRun: 1 });
    expect(found.get('b')).toMatchObject({ hash: 'h-b', seenRun: 2 });
    expect(found.get('b')?.attributes()).toEqual({ plan: 'p-b' });
  });

  it.each([
    ['after a lookup', true],
    ['without a lookup', false],
  ])('does not create state for a seen key it never stored (%s)', async (_name, lookedUp) => {
    // A dry run marks the rows it saw, including new ones it does not store.
    const state = await freshStore();
    await state.commit('app', 'users', 1, [entry('a')], []);
    if (lookedUp) await state.lookup('app', 'users', ['a', 'new']);
    await state.commit('app', 'users', 2, [], ['a', 'new']);
    expect(await state.count('app', 'users')).toBe(1);
    const found = await state.lookup('app', 'users', ['a', 'new']);
    expect([...found.keys()]).toEqual(['a']);
    expect(found.get('a')).toMatchObject({ hash: 'h-a', seenRun: 2 });
  });

  it('counts and streams the unseen in key order over several Query pages, and forgets them', async () => {
    const calls: string[] = [];
    const state = await freshStore({ client: throttlingClient(0, calls) });
    // ~3 KB fingerprints: 450 entries are about 1.4 MB, more than one 1 MB Query page.
    const wide = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`attribute_${i}`, 'x'.repeat(12)]),
    );
    const all = keys(450).map((k) => entry(k, `h-${k}`, wide));
    await state.commit('app', 'users', 1, all, []);
    const stillThere = keys(450).filter((_, i) => i % 3 !== 0);
    await state.lookup('app', 'users', stillThere);
    await state.commit('app', 'users', 2, [], stillThere);

    calls.length = 0;
    expect(await state.count('app', 'users')).toBe(450);
    expect(calls.filter((c) => c === 'QueryCommand').length).toBeGreaterThan(1);
    expect(await state.countUnseen('app', 'users', 2)).toBe(150);

    const batches: StateEntry[][] = [];
    for await (const batch of state.unseen('app', 'users', 2, 40)) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([40, 40, 40, 30]);
    const streamed = batches.flat().map((e) => e.key);
    expect(streamed).toEqual(
      keys(450)
        .filter((_, i) => i % 3 === 0)
        .sort(),
    );
    expect(batches[0]?.[0]?.state).toEqual({ hash: 'h-u0', attributes: wide });

    await state.forget('app', 'users', streamed);
    expect(await state.count('app', 'users')).toBe(300);
    expect(await state.countUnseen('app', 'users', 2)).toBe(0);
  });

  it('retries the unprocessed part of throttled batches with backoff', async () => {
    const waits: number[] = [];
    const state = await freshStore({
      client: throttlingClient(2),
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
    });
    await state.commit(
      'app',
      'users',
      1,
      keys(20).map((k) => entry(k)),
      [],
    );
    expect(await state.count('app', 'users')).toBe(20);
    const found = await state.lookup('app', 'users', keys(20));
    expect(found.size).toBe(20);
    // Twice for the write, then twice for the read; random() = 1 waits the whole (growing) window.
    expect(waits).toEqual([100, 200, 100, 200]);
  });

  it('gives up with a retryable error when a batch stays throttled', async () => {
    const state = await freshStore({ client: throttlingClient(100), sleep: async () => {}, maxAttempts: 4 });
    const error = await state
      .commit(
        'app',
        'users',
        1,
        keys(30).map((k) => entry(k)),
        [],
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: 'state_store_throttled', retryable: true });
  });

  it('names the table when it does not exist, and is not retryable', async () => {
    const state = openDynamoDbStateStore({ tableName: 'no-such-table', client: doc });
    const error = await state.lookup('app', 'users', ['u1']).catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toMatch(
      /sync state table no-such-table: BatchGetItem failed: ResourceNotFoundException/,
    );
    expect(error.retryable).toBe(false);
  });
});

describe('DynamoDB run log', () => {
  const started = new Date('2026-11-27T10:00:00.000Z');
  const run = (sync: string, dryRun = false) => ({
    sync,
    file: `syncs/${sync}.yaml`,
    mode: 'upsert',
    dryRun,
    startedAt: started,
  });

  it('gives unique, increasing ids even to runs started in the same millisecond', async () => {
    const state = await freshStore();
    const ids = [];
    for (const sync of ['app', 'app', 'crm', 'app']) ids.push(await state.startRun(run(sync)));
    expect(ids[0]).toBe(started.getTime());
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(4);
  });

  it('gives unique ids to concurrent starts', async () => {
    const state = await freshStore();
    const ids = await Promise.all(Array.from({ length: 5 }, () => state.startRun(run('app'))));
    expect(new Set(ids).size).toBe(5);
  });

  it('lists the latest runs first, per sync or of every sync, with their outcome', async () => {
    const state = await freshStore({ clock: () => new Date('2026-11-27T10:05:00.000Z') });
    const first = await state.startRun(run('app'));
    const second = await state.startRun(run('crm', true));
    const third = await state.startRun(run('app'));
    await state.finishRun(first, { status: 'succeeded', counts: counts(410) });
    await state.finishRun(third, {
      status: 'failed',
      error: 'refusing to remove 20 of 200 users',
      counts: counts(5),
    });

    const app = await state.runs({ sync: 'app', limit: 10 });
    expect(app.map((r) => r.id)).toEqual([third, first]);
    expect(app[0]).toEqual({
      id: third,
      sync: 'app',
      file: 'syncs/app.yaml',
      mode: 'upsert',
      dryRun: false,
      startedAt: started.toISOString(),
      finishedAt: '2026-11-27T10:05:00.000Z',
      status: 'failed',
      error: 'refusing to remove 20 of 200 users',
      counts: counts(5),
    });
    expect(app[1]).toMatchObject({ status: 'succeeded', counts: counts(410) });
    expect(app[1]).not.toHaveProperty('error');

    const everything = await state.runs({ limit: 2 });
    expect(everything.map((r) => [r.id, r.sync, r.status, r.dryRun])).toEqual([
      [third, 'app', 'failed', false],
      [second, 'crm', 'running', true],
    ]);
  });

  it('refuses to finish a run it never started', async () => {
    const state = await freshStore();
    await expect(state.finishRun(12345, { status: 'succeeded', counts: counts(0) })).rejects.toThrow(
      /ConditionalCheckFailed/,
    );
  });
});
