// The DynamoDB sync state store against dynalite over the real DynamoDB protocol: paging, batching, retries, runs.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDynamoDbStateStore, SYNC_STATE_TABLE_SCHEMA } from '../../../lib/sync/dynamodb-state-store.ts';
import { SyncError } from '../../../lib/sync/errors.ts';
import type { RunCounts, ScannedEntry, StateEntry, SyncStateStore } from '../../../lib/sync/state-store.ts';
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

/** A client whose first `failFirst` batch writes leave half their items unprocessed, as throttling does. */
function throttlingClient(failFirst: number, calls: string[] = []) {
  let throttled = 0;
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name;
    calls.push(name);
    if (throttled < failFirst && name === 'BatchWriteCommand') {
      throttled += 1;
      const [table, all] = Object.entries(command.input.RequestItems as Record<string, unknown[]>)[0] as [
        string,
        unknown[],
      ];
      const half = Math.ceil(all.length / 2);
      command.input.RequestItems = { [table]: all.slice(0, half) };
      await doc.send(command as never);
      return { UnprocessedItems: { [table]: all.slice(half) } };
    }
    return doc.send(command as never);
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

/** Every entry of a kind, paging `limit` at a time as a merge does. */
async function scanAll(state: SyncStateStore, kind: 'users' | 'groups', limit: number) {
  const pages: ScannedEntry[][] = [];
  let after = '';
  for (;;) {
    const page = await state.entities('app', kind).scan(after, limit);
    pages.push(page);
    if (page.length < limit) return pages;
    after = (page.at(-1) as ScannedEntry).key;
  }
}

describe('DynamoDB sync state store', () => {
  it('scans what was committed in key order, page after page, with lazily decoded fingerprints', async () => {
    const state = await freshStore();
    await state.entities('app', 'users').commit(7, { changed: keys(250).map((k) => entry(k)), gone: [] });
    const pages = await scanAll(state, 'users', 100);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    const scanned = pages.flat();
    expect(scanned.map((e) => e.key)).toEqual(keys(250).sort());
    const u42 = scanned.find((e) => e.key === 'u42');
    expect(u42?.hash).toBe('h-u42');
    expect(u42?.attributes()).toEqual({ plan: 'p-u42' });
    // Another kind and another sync are other partitions.
    expect(await state.entities('app', 'groups').scan('', 10)).toEqual([]);
    expect(await state.entities('other', 'users').scan('', 10)).toEqual([]);
  });

  it('fills a scan page across DynamoDB Query pages (1 MB each)', async () => {
    const calls: string[] = [];
    const state = await freshStore({ client: throttlingClient(0, calls) });
    // ~3 KB fingerprints: 450 entries are about 1.4 MB, more than one 1 MB Query page.
    const wide = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`attribute_${i}`, 'x'.repeat(12)]),
    );
    await state
      .entities('app', 'users')
      .commit(1, { changed: keys(450).map((k) => entry(k, `h-${k}`, wide)), gone: [] });
    calls.length = 0;
    const page = await state.entities('app', 'users').scan('', 400);
    expect(page).toHaveLength(400);
    expect(calls.filter((c) => c === 'QueryCommand').length).toBeGreaterThan(1);
    const rest = await state.entities('app', 'users').scan((page.at(-1) as ScannedEntry).key, 400);
    expect(rest).toHaveLength(50);
    expect(rest[0]?.attributes()).toEqual(wide);
    expect(await state.entities('app', 'users').count()).toBe(450);
  });

  it('overwrites a changed entry and marks a gone one in one batch write, keeping its fingerprint', async () => {
    const calls: string[] = [];
    const state = await freshStore({ client: throttlingClient(0, calls) });
    await state
      .entities('app', 'users')
      .commit(1, { changed: [entry('a'), entry('b'), entry('c')], gone: [] });
    const [, b] = await state.entities('app', 'users').scan('', 10);
    calls.length = 0;
    await state
      .entities('app', 'users')
      .commit(2, { changed: [entry('a', 'h-a2', { plan: 'pro' })], gone: [b as ScannedEntry] });
    expect(calls).toEqual(['BatchWriteCommand']);

    const [a, stillB, c] = await state.entities('app', 'users').scan('', 10);
    expect(a).toMatchObject({ key: 'a', hash: 'h-a2' });
    expect(a?.attributes()).toEqual({ plan: 'pro' });
    expect(stillB).toMatchObject({ key: 'b', hash: 'h-b' });
    expect(stillB?.attributes()).toEqual({ plan: 'p-b' });
    expect(c).toMatchObject({ key: 'c', hash: 'h-c' });
    const gone: StateEntry[][] = [];
    for await (const batch of state.entities('app', 'users').gone(2, 10)) gone.push(batch);
    expect(gone).toEqual([[entry('b')]]);
    // Marks belong to their run.
    for await (const batch of state.entities('app', 'users').gone(3, 10)) expect(batch).toEqual([]);
  });

  it('streams the gone in key order over several Query pages, in batches, and forgets them', async () => {
    const state = await freshStore();
    const wide = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`attribute_${i}`, 'x'.repeat(12)]),
    );
    await state
      .entities('app', 'users')
      .commit(1, { changed: keys(450).map((k) => entry(k, `h-${k}`, wide)), gone: [] });
    const scanned = (await scanAll(state, 'users', 100)).flat();
    await state
      .entities('app', 'users')
      .commit(2, { changed: [], gone: scanned.filter((_, i) => i % 3 === 0) });

    const batches: StateEntry[][] = [];
    for await (const batch of state.entities('app', 'users').gone(2, 40)) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([40, 40, 40, 30]);
    const streamed = batches.flat().map((e) => e.key);
    expect(streamed).toEqual(scanned.filter((_, i) => i % 3 === 0).map((e) => e.key));
    expect(batches[0]?.[0]?.state).toEqual({ hash: scanned[0]?.hash, attributes: wide });

    await state.entities('app', 'users').forget(streamed);
    expect(await state.entities('app', 'users').count()).toBe(300);
    for await (const batch of state.entities('app', 'users').gone(2, 40)) expect(batch).toEqual([]);
  });

  it('retries the unprocessed part of throttled batches with backoff', async () => {
    const waits: number[] = [];
    const state = await freshStore({
      client: throttlingClient(2),
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
    });
    await state.entities('app', 'users').commit(1, { changed: keys(20).map((k) => entry(k)), gone: [] });
    expect(await state.entities('app', 'users').count()).toBe(20);
    expect(await state.entities('app', 'users').scan('', 100)).toHaveLength(20);
    // Twice for the write; random() = 1 waits the whole (growing) window.
    expect(waits).toEqual([100, 200]);
  });

  it('gives up with a retryable error when a batch stays throttled', async () => {
    const state = await freshStore({ client: throttlingClient(100), sleep: async () => {}, maxAttempts: 4 });
    const error = await state
      .entities('app', 'users')
      .commit(1, { changed: keys(30).map((k) => entry(k)), gone: [] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: 'state_store_throttled', retryable: true });
  });

  it('names the table when it does not exist, and is not retryable', async () => {
    const state = openDynamoDbStateStore({ tableName: 'no-such-table', client: doc });
    const error = await state
      .entities('app', 'users')
      .scan('', 100)
      .catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toMatch(/sync state table no-such-table: Query failed: ResourceNotFoundException/);
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
