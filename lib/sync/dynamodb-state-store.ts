// The AWS sync state store: fingerprints and the run log in one DynamoDB table (the only sync module on the SDK).
//
// Table: partition key `pk` (S), sort key `sk` (S), on-demand; TTL on `expires_at` (run records only).
// - entity state: pk `<sync>#<kind>`, sk = entity key; `hash`, `fp` (fingerprint JSON), `seen_run` (N).
// - run log: pk `<sync>#runs` and a copy under pk `#runs` (every sync; no sync is named ``), sk = the run id
//   zero-padded. The `#runs` copy makes ids global and increasing (a conditional put of last id + 1, or the
//   start time in ms if later), lists the runs of all syncs, and lets finishRun(id) find the run's sync.
//
// What a run costs, for N rows read, C changed and R removed, with items under 1 KB:
// - start + finish: 1 Query, 2 PutItem, 1 UpdateItem, 1 PutItem.
// - diff: ⌈N/100⌉ BatchGetItem = N read units (strongly consistent: a run must see its own earlier commits).
// - commit: ⌈C/25⌉ BatchWriteItem = C write units. An unchanged upsert run writes nothing.
// - mirror mode only: seen marks rewrite every row's item, so ⌈N/25⌉ BatchWriteItem = N write units (the price
//   of detecting removals); per kind a COUNT Query of the unseen (reads the whole partition: its size / 4 KB
//   read units); and when anything vanished a COUNT of all, a Query of the unseen and ⌈R/25⌉ BatchWriteItem.
// So 100,000 unchanged users cost 1,000 requests and 100,000 read units in upsert mode, plus 4,000 requests
// and 100,000 write units in mirror mode. Batches retry their unprocessed part with jittered backoff.
//
// A commit is not one transaction: items land one by one. A crash mid-commit leaves some entries unrecorded,
// so they are sent again next run (same command ids, so FIFO dedupe or an idempotent upsert absorbs them).
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PreviousEntity } from './diff.ts';
import type { EntityKind } from './entity.ts';
import { SyncError } from './errors.ts';
import type { Fingerprint } from './fingerprint.ts';
import type { RunCounts, RunRecord, StateEntry, SyncStateStore } from './state-store.ts';

/** The table's key schema and TTL attribute, for whoever creates the table (the CDK stack, tests). */
export const SYNC_STATE_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLive: 'expires_at',
} as const;

export interface DynamoDbStateStoreOptions {
  tableName: string;
  /** A client to share (not destroyed by close()), or the config to build one (`endpoint` for an emulator). */
  client?: DynamoDBDocumentClient | DynamoDBClientConfig;
  /** Days a run record is kept (DynamoDB TTL); entity state never expires. Default 90. */
  runRetentionDays?: number;
  /** Requests in flight per lookup or commit (default 8). */
  concurrency?: number;
  /** Attempts at a batch's unprocessed part before giving up with a retryable error (default 10). */
  maxAttempts?: number;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const ALL_RUNS = '#runs';
const GET_CHUNK = 100;
const WRITE_CHUNK = 25;
const NON_RETRYABLE = new Set(['ResourceNotFoundException', 'ValidationException', 'AccessDeniedException']);

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };
type Page = { Items?: Item[]; Count?: number; LastEvaluatedKey?: Record<string, unknown> };
type QueryInput = Omit<QueryCommandInput, 'TableName'>;

export function openDynamoDbStateStore(options: DynamoDbStateStoreOptions): SyncStateStore {
  const table = options.tableName;
  const shared = options.client && 'send' in options.client ? options.client : undefined;
  const doc =
    shared ??
    DynamoDBDocumentClient.from(new DynamoDBClient((options.client as DynamoDBClientConfig) ?? {}), {
      marshallOptions: { removeUndefinedValues: true },
    });
  const concurrency = options.concurrency ?? 8;
  const maxAttempts = options.maxAttempts ?? 10;
  const clock = options.clock ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const retentionSeconds = (options.runRetentionDays ?? 90) * 86_400;
  // What the last lookup read, so commit can rewrite those items with their seen mark in batches.
  let lastLookup: { pk: string; asked: Set<string>; found: Map<string, StoredEntityState> } | undefined;

  // biome-ignore lint/suspicious/noExplicitAny: one funnel for every command type, each typed at its call site.
  async function send<T = unknown>(operation: string, command: any): Promise<T> {
    try {
      return (await doc.send(command)) as T;
    } catch (error) {
      throw storeError(table, operation, error);
    }
  }

  /** A conditional write: false when its condition failed, which the caller expects now and then. */
  async function conditional(operation: string, command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await send(operation, command);
      return true;
    } catch (error) {
      if (((error as SyncError).cause as Error | undefined)?.name === CONDITION_FAILED) return false;
      throw error;
    }
  }

  /** Sends `first`, then whatever DynamoDB left unprocessed (throttling), with jittered backoff. */
  async function untilProcessed<R>(operation: string, first: R, call: (r: R) => Promise<R | undefined>) {
    let request: R | undefined = first;
    for (let attempt = 1; ; attempt += 1) {
      request = await call(request);
      if (!request) return;
      if (attempt >= maxAttempts) {
        throw new SyncError(
          `sync state table ${table}: ${operation} still throttled after ${attempt} tries`,
          {
            code: 'state_store_throttled',
            retryable: true,
          },
        );
      }
      await sleep(backoffMs(attempt, random));
    }
  }

  const batchWrite = (requests: Item[]) =>
    inParallel(chunk(requests, WRITE_CHUNK), concurrency, (part) =>
      untilProcessed('BatchWriteItem', part, async (items) => {
        const out = await send<{ UnprocessedItems?: Record<string, Item[]> }>(
          'BatchWriteItem',
          new BatchWriteCommand({ RequestItems: { [table]: items } }),
        );
        const rest = out.UnprocessedItems?.[table];
        return rest?.length ? rest : undefined;
      }),
    );

  // Strongly consistent: a run must see its own earlier commits (a key the query returns twice).
  const queryPage = (input: QueryInput) =>
    send<Page>('Query', new QueryCommand({ TableName: table, ConsistentRead: true, ...input }));

  async function* queryAll(input: QueryInput): AsyncGenerator<Page> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await queryPage({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) });
      yield page;
      start = page.LastEvaluatedKey;
    } while (start);
  }

  const partition = (pk: string, attributes: string[] = [], values: Item = {}): QueryInput => ({
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: names('pk', ...attributes),
    ExpressionAttributeValues: { ':pk': pk, ...values },
  });

  const latestRuns = async (pk: string, limit: number) =>
    (await queryPage({ ...partition(pk), ScanIndexForward: false, Limit: limit })).Items ?? [];

  async function countOf(pk: string, unseenBy?: number): Promise<number> {
    const input =
      unseenBy === undefined
        ? partition(pk)
        : { ...partition(pk, ['seen_run'], { ':r': unseenBy }), FilterExpression: '#seen_run <> :r' };
    let total = 0;
    for await (const page of queryAll({ ...input, Select: 'COUNT' })) total += page.Count ?? 0;
    return total;
  }

  return {
    async startRun(run) {
      const [latest] = await latestRuns(ALL_RUNS, 1);
      let id = Math.max(run.startedAt.getTime(), Number(latest?.id ?? 0) + 1);
      const item = {
        sync: run.sync,
        file: run.file,
        mode: run.mode,
        dry_run: run.dryRun,
        started_at: run.startedAt.toISOString(),
        status: 'running',
        counts: {},
        expires_at: Math.floor(clock().getTime() / 1000) + retentionSeconds,
      };
      // Another run took this id (same millisecond, or a clock behind the last run's): take the next one.
      for (let attempt = 1; ; attempt += 1, id += 1) {
        const claimed = await conditional(
          'PutItem',
          new PutCommand({
            TableName: table,
            Item: { pk: ALL_RUNS, sk: runSk(id), id, ...item },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: names('pk'),
          }),
        );
        if (claimed) break;
        if (attempt >= maxAttempts)
          throw new SyncError(`sync state table ${table}: no free run id after ${attempt} tries`, {
            code: 'state_store_failed',
            retryable: true,
          });
      }
      const own = { TableName: table, Item: { pk: runsPk(run.sync), sk: runSk(id), id, ...item } };
      await send('PutItem', new PutCommand(own));
      return id;
    },

    async finishRun(id, result) {
      // An item holds at most 400 KB; a run's error is a one-line reason, not a dump.
      const error = result.error?.slice(0, 4000);
      const out = await send<{ Attributes?: Item }>(
        'UpdateItem',
        new UpdateCommand({
          TableName: table,
          Key: { pk: ALL_RUNS, sk: runSk(id) },
          UpdateExpression: `SET #finished_at = :f, #status = :s, #counts = :c${error ? ', #error = :e' : ''}`,
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: names(
            'pk',
            'finished_at',
            'status',
            'counts',
            ...(error ? ['error'] : []),
          ),
          ExpressionAttributeValues: {
            ':f': clock().toISOString(),
            ':s': result.status,
            ':c': result.counts,
            ...(error ? { ':e': error } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const run = out.Attributes as Item;
      await send(
        'PutItem',
        new PutCommand({ TableName: table, Item: { ...run, pk: runsPk(String(run.sync)) } }),
      );
    },

    async runs({ sync, limit }) {
      return (await latestRuns(sync === undefined ? ALL_RUNS : runsPk(sync), limit)).map(toRunRecord);
    },

    async lookup(sync, kind, keys) {
      const found = new Map<string, StoredEntityState>();
      const pk = statePk(sync, kind);
      const read = async (Keys: Key[]) => {
        const out = await send<{
          Responses?: Record<string, Item[]>;
          UnprocessedKeys?: Record<string, { Keys?: Key[] }>;
        }>(
          'BatchGetItem',
          new BatchGetCommand({
            RequestItems: {
              [table]: {
                Keys,
                ProjectionExpression: '#sk, #hash, #fp, #seen_run',
                ExpressionAttributeNames: names('sk', 'hash', 'fp', 'seen_run'),
                ConsistentRead: true,
              },
            },
          }),
        );
        for (const item of out.Responses?.[table] ?? []) {
          const state = new StoredEntityState(item.hash as string, Number(item.seen_run), item.fp as string);
          found.set(item.sk as string, state);
        }
        const rest = out.UnprocessedKeys?.[table]?.Keys;
        return rest?.length ? rest : undefined;
      };
      // BatchGetItem refuses a request that names one key twice.
      const asked = new Set(keys);
      await inParallel(chunk([...asked], GET_CHUNK), concurrency, (part) =>
        untilProcessed(
          'BatchGetItem',
          part.map((sk): Key => ({ pk, sk })),
          read,
        ),
      );
      lastLookup = { pk, asked, found };
      return found;
    },

    async commit(sync, kind, runId, changed, seen) {
      const pk = statePk(sync, kind);
      const item = (sk: string, hash: string, fp: string) => ({
        PutRequest: { Item: { pk, sk, hash, fp, seen_run: runId } },
      });
      const writes = changed.map(({ key, state }) => item(key, state.hash, JSON.stringify(state.attributes)));
      // Seen marks rewrite the items the chunk's lookup just read, 25 to a request, instead of one UpdateItem
      // each. A changed entry's put carries the mark already; a key the lookup did not find (a dry run sees rows
      // it never stores) gets none; only a key not looked up at all falls back to a conditional UpdateItem.
      const written = new Set(changed.map((c) => c.key));
      const recent = lastLookup?.pk === pk ? lastLookup : undefined;
      const unknown: string[] = [];
      for (const key of seen) {
        if (written.has(key)) continue;
        const known = recent?.found.get(key);
        if (known) writes.push(item(key, known.hash, known.fp));
        else if (!recent?.asked.has(key)) unknown.push(key);
      }
      await batchWrite(writes);
      const mark = (key: string) =>
        conditional(
          'UpdateItem',
          new UpdateCommand({
            TableName: table,
            Key: { pk, sk: key },
            UpdateExpression: 'SET #seen_run = :r',
            // Never create an item without a hash.
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: names('pk', 'seen_run'),
            ExpressionAttributeValues: { ':r': runId },
          }),
        );
      await inParallel(unknown, concurrency, mark);
    },

    count: (sync, kind) => countOf(statePk(sync, kind)),
    countUnseen: (sync, kind, runId) => countOf(statePk(sync, kind), runId),

    async *unseen(sync, kind, runId, batchSize) {
      let batch: StateEntry[] = [];
      for await (const page of queryAll({
        ...partition(statePk(sync, kind), ['sk', 'hash', 'fp', 'seen_run'], { ':r': runId }),
        ProjectionExpression: '#sk, #hash, #fp',
        FilterExpression: '#seen_run <> :r',
      })) {
        for (const item of page.Items ?? []) {
          const attributes = JSON.parse(item.fp as string) as Fingerprint;
          batch.push({ key: item.sk as string, state: { hash: item.hash as string, attributes } });
          if (batch.length === batchSize) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length) yield batch;
    },

    async forget(sync, kind, keys) {
      const pk = statePk(sync, kind);
      await batchWrite([...new Set(keys)].map((sk) => ({ DeleteRequest: { Key: { pk, sk } } })));
    },

    async close() {
      if (!shared) doc.destroy();
    },
  };
}

const CONDITION_FAILED = 'ConditionalCheckFailedException';
const statePk = (sync: string, kind: EntityKind) => `${sync}#${kind}`;
const runsPk = (sync: string) => `${sync}#runs`;
// Epoch milliseconds have 13 digits until the year 2286; 16 keep the order with room to spare.
const runSk = (id: number) => String(id).padStart(16, '0');

/** `#name` placeholders for attribute names: `hash`, `status` and others are DynamoDB reserved words. */
const names = (...attributes: string[]) => Object.fromEntries(attributes.map((a) => [`#${a}`, a]));

/** Full jitter: a random wait up to 50 ms × 2^attempt, capped at 2 s. */
export function backoffMs(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(2_000, 50 * 2 ** attempt));
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

function storeError(table: string, operation: string, error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  const e = error as Error;
  return new SyncError(`sync state table ${table}: ${operation} failed: ${e.name}: ${e.message}`, {
    code: 'state_store_failed',
    retryable: !NON_RETRYABLE.has(e.name),
    cause: error,
  });
}

// Keeps the fingerprint's JSON and parses it only if the entity hash moved (a few rows per run).
class StoredEntityState implements PreviousEntity {
  constructor(
    readonly hash: string,
    readonly seenRun: number,
    readonly fp: string,
  ) {}

  attributes(): Fingerprint {
    return JSON.parse(this.fp) as Fingerprint;
  }
}

function toRunRecord(item: Item): RunRecord {
  return {
    id: Number(item.id),
    sync: item.sync as string,
    file: item.file as string,
    mode: item.mode as string,
    dryRun: item.dry_run === true,
    startedAt: item.started_at as string,
    ...(item.finished_at ? { finishedAt: item.finished_at as string } : {}),
    status: item.status as RunRecord['status'],
    ...(item.error ? { error: item.error as string } : {}),
    counts: (item.counts ?? {}) as RunCounts,
  };
}
