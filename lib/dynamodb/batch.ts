// DynamoDB's batch calls take 25 writes or 100 keys and may leave part unprocessed under throttling: these send
// everything, a few requests in flight, resending what is left with the bridge's one backoff.
import { type BackoffPolicy, backoffDelayMs, realSleep } from '../backoff.ts';
import { BatchGetCommand, BatchWriteCommand } from './client.ts';

export type Item = Record<string, unknown>;

export interface BatchOptions {
  table: string;
  /** The adapter's own funnel, which turns SDK failures into its error type. */
  send: <T>(operation: string, command: BatchWriteCommand | BatchGetCommand) => Promise<T>;
  /** Tries at a request's unprocessed part before `throttled()` is thrown. */
  maxAttempts: number;
  /** The error to throw when a part stays unprocessed (the adapter's, retryable). */
  throttled: (operation: string, attempts: number) => Error;
  /** Requests in flight (default 4). */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const WRITE_CHUNK = 25;
const READ_CHUNK = 100;
/** Resending unprocessed items: full jitter, 100 ms doubling per try, never more than 2 s. */
export const RESEND_BACKOFF: BackoffPolicy = { baseMs: 100, capMs: 2_000 };

/** Writes (or deletes) every request, 25 to a BatchWriteItem. */
export async function batchWriteAll(requests: readonly Item[], options: BatchOptions): Promise<void> {
  const { table } = options;
  await inParallel(chunk(requests, WRITE_CHUNK), options.concurrency ?? 4, (part) =>
    untilProcessed('BatchWriteItem', part, options, async (pending) => {
      const out = await options.send<{ UnprocessedItems?: Record<string, Item[]> }>(
        'BatchWriteItem',
        new BatchWriteCommand({ RequestItems: { [table]: pending } }),
      );
      return out.UnprocessedItems?.[table] ?? [];
    }),
  );
}

/** The items under `keys` (100 to a BatchGetItem), in no particular order; missing keys are simply absent. */
export async function batchGetAll(keys: readonly Item[], options: BatchOptions): Promise<Item[]> {
  const { table } = options;
  const found: Item[] = [];
  for (const part of chunk(keys, READ_CHUNK)) {
    await untilProcessed('BatchGetItem', part, options, async (pending) => {
      const out = await options.send<{
        Responses?: Record<string, Item[]>;
        UnprocessedKeys?: Record<string, { Keys?: Item[] }>;
      }>('BatchGetItem', new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
      found.push(...(out.Responses?.[table] ?? []));
      return out.UnprocessedKeys?.[table]?.Keys ?? [];
    });
  }
  return found;
}

async function untilProcessed(
  operation: string,
  first: Item[],
  options: BatchOptions,
  call: (pending: Item[]) => Promise<Item[]>,
): Promise<void> {
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  let pending = first;
  for (let attempt = 1; ; attempt += 1) {
    pending = await call(pending);
    if (pending.length === 0) return;
    if (attempt >= options.maxAttempts) throw options.throttled(operation, attempt);
    await sleep(backoffDelayMs(attempt, RESEND_BACKOFF, random));
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure stops new work and is thrown. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      await work(items[next++] as T).catch((error) => {
        failed = true;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
