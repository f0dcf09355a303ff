// The SQLite idempotency store through Powertools' own makeIdempotent, as ingest and delivery use it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqlitePersistenceLayer } from '../../../lib/idempotency/sqlite-persistence-layer.ts';

let dir: string;
const layers: SqlitePersistenceLayer[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idempotency-'));
});
afterEach(() => {
  for (const layer of layers.splice(0)) layer.close();
  rmSync(dir, { recursive: true, force: true });
  vi.useRealTimers();
});

function layer(): SqlitePersistenceLayer {
  const created = new SqlitePersistenceLayer({ path: join(dir, 'state', 'idempotency.db') });
  layers.push(created);
  return created;
}

/** A context as Lambda gives one, so in-progress records get an in-progress expiry (as in AWS). */
const lambdaContext = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as never;

function idempotentCounter(
  persistenceStore: SqlitePersistenceLayer,
  options: { expiresAfterSeconds?: number } = {},
) {
  const calls: string[] = [];
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'eventId',
    expiresAfterSeconds: options.expiresAfterSeconds ?? 3 * 24 * 3600,
  });
  config.registerLambdaContext(lambdaContext(60_000));
  const fn = makeIdempotent(
    async (event: { eventId: string; fail?: boolean; gate?: Promise<void> }) => {
      calls.push(event.eventId);
      await event.gate;
      if (event.fail) throw new Error('handler failed');
      return { queued: calls.length, eventId: event.eventId };
    },
    { persistenceStore, config },
  );
  return { fn, calls };
}

describe('SqlitePersistenceLayer with makeIdempotent', () => {
  it('runs once and returns the stored result to the second call', async () => {
    const { fn, calls } = idempotentCounter(layer());
    const first = await fn({ eventId: 'evt_1' });
    const second = await fn({ eventId: 'evt_1' });
    expect(second).toEqual(first);
    expect(calls).toEqual(['evt_1']);
  });

  it('runs again for a different key', async () => {
    const { fn, calls } = idempotentCounter(layer());
    await fn({ eventId: 'evt_1' });
    await fn({ eventId: 'evt_2' });
    expect(calls).toEqual(['evt_1', 'evt_2']);
  });

  it('deletes the in-progress record when the function fails, so a retry runs', async () => {
    const { fn, calls } = idempotentCounter(layer());
    await expect(fn({ eventId: 'evt_1', fail: true })).rejects.toThrow('handler failed');
    await expect(fn({ eventId: 'evt_1' })).resolves.toMatchObject({ eventId: 'evt_1' });
    expect(calls).toEqual(['evt_1', 'evt_1']);
  });

  it('refuses a concurrent call for a key that is in progress', async () => {
    const { fn, calls } = idempotentCounter(layer());
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = fn({ eventId: 'evt_1', gate });
    await vi.waitFor(() => expect(calls).toEqual(['evt_1']));
    await expect(fn({ eventId: 'evt_1' })).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    release();
    await first;
  });

  it('refuses a call in progress in another instance sharing the file (another process)', async () => {
    const a = idempotentCounter(layer());
    const b = idempotentCounter(layer());
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = a.fn({ eventId: 'evt_1', gate });
    await vi.waitFor(() => expect(a.calls).toEqual(['evt_1']));
    await expect(b.fn({ eventId: 'evt_1' })).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    release();
    await first;
    expect(await b.fn({ eventId: 'evt_1' })).toMatchObject({ eventId: 'evt_1' });
    expect(b.calls).toEqual([]);
  });

  it('runs again once the record expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
    const { fn, calls } = idempotentCounter(layer(), { expiresAfterSeconds: 3600 });
    await fn({ eventId: 'evt_1' });
    vi.setSystemTime(new Date('2025-01-01T00:59:00Z'));
    await fn({ eventId: 'evt_1' });
    expect(calls).toEqual(['evt_1']);
    vi.setSystemTime(new Date('2025-01-01T01:00:02Z'));
    await fn({ eventId: 'evt_1' });
    expect(calls).toEqual(['evt_1', 'evt_1']);
  });

  it('takes over an in-progress record whose in-progress expiry passed (a crashed run)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
    const store = layer();
    const crashed = idempotentCounter(store);
    void crashed.fn({ eventId: 'evt_1', gate: new Promise(() => {}) });
    await vi.waitFor(() => expect(crashed.calls).toEqual(['evt_1']));
    vi.setSystemTime(new Date('2025-01-01T00:01:01Z'));
    const retry = idempotentCounter(store);
    await expect(retry.fn({ eventId: 'evt_1' })).resolves.toMatchObject({ eventId: 'evt_1' });
    expect(retry.calls).toEqual(['evt_1']);
  });

  it('stores the payload hash, so a different payload under the same key is refused', async () => {
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'eventId',
      payloadValidationJmesPath: 'amount',
    });
    config.registerLambdaContext(lambdaContext(60_000));
    const fn = makeIdempotent(
      async (event: { eventId: string; amount: number }) => ({ charged: event.amount }),
      {
        persistenceStore: layer(),
        config,
      },
    );
    await fn({ eventId: 'evt_1', amount: 10 });
    await expect(fn({ eventId: 'evt_1', amount: 10 })).resolves.toEqual({ charged: 10 });
    await expect(fn({ eventId: 'evt_1', amount: 99 })).rejects.toBeInstanceOf(IdempotencyValidationError);
  });

  it('keeps completed records across closing and reopening the file', async () => {
    const first = layer();
    const before = idempotentCounter(first);
    const result = await before.fn({ eventId: 'evt_1' });
    first.close();
    layers.splice(layers.indexOf(first), 1);

    const after = idempotentCounter(layer());
    expect(await after.fn({ eventId: 'evt_1' })).toEqual(result);
    expect(after.calls).toEqual([]);
  });
});
