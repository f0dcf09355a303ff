// The AWS sync state store: fingerprints and the run log in one DynamoDB table (the only sync module on the SDK).
//
// Table: partition key `pk` (S), sort key `sk` (S), on-demand; TTL on `expires_at` (run records only).
// - entity state: pk `<sync>#<kind>`, sk = entity key; `hash`, `fp` (fingerprint JSON), `seen_run` (N, the run
//   that stored it), `gone_run` (N, mirror mode: the run that found it gone from its query).
// - run log: pk `<sync>#runs` and a copy under pk `#runs` (every sync; no sync is named ``), sk = the run id
//   zero-padded. The `#runs` copy makes ids global and increasing (a conditional put of last id + 1, or the
//   start time in ms if later), lists the runs of all syncs, and lets finishRun(id) find the run's sync.
//
// What a run costs, for N stored entities, C changed and R removed, with items of about 100 bytes:
// - start + finish: 1 Query, 2 PutItem, 1 UpdateItem, 1 PutItem.
// - diff: the partition read in key order beside the query's rows (a merge), one Query per scan page (1,000
//   entries, or the sync's batch_size if larger; a Query stops at 1 MB), strongly consistent: its size / 4 KB
//   read units (N/40), not one unit per entity as lookups would cost. The next page is read while one is merged.
// - commit: ⌈C/25⌉ BatchWriteItem = C write units. An unchanged run writes nothing, in every mode.
// - mirror mode, when R > 0: ⌈R/25⌉ BatchWriteItem of gone marks, a COUNT Query and a Query of the marked
//   (each reads the partition), and ⌈R/25⌉ BatchWriteItem of deletes.
// So 100,000 unchanged users cost about 100 Query requests and 2,500 read units, in any mode. Batches retry
// their unprocessed part with jittered backoff.
//
// A commit is not one transaction: items land one by one. A crash mid-commit leaves some entries unrecorded,
// so they are sent again next run (same command ids, so FIFO dedupe or an idempotent upsert absorbs them).
import { PutCommand, UpdateCommand } from '../dynamodb/index.ts';
import {
  type Item,
  names,
  openStateTable,
  type QueryInput,
  type StateTableOptions,
} from './dynamodb-state-table.ts';
import type { EntityKind } from './entity.ts';
import { SyncError } from './errors.ts';
import type { Fingerprint } from './fingerprint.ts';
import type { RunCounts, RunRecord, ScannedEntry, StateEntry, SyncStateStore } from './state-store.ts';

/** The table's key schema and TTL attribute, for whoever creates the table (the CDK stack, tests). */
export const SYNC_STATE_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLive: 'expires_at',
} as const;

export interface DynamoDbStateStoreOptions extends StateTableOptions {
  /** Days a run record is kept (DynamoDB TTL); entity state never expires. Default 90. */
  runRetentionDays?: number;
  clock?: () => Date;
}

const ALL_RUNS = '#runs';

export function openDynamoDbStateStore(options: DynamoDbStateStoreOptions): SyncStateStore {
  const table = options.tableName;
  const maxAttempts = options.maxAttempts ?? 10;
  const clock = options.clock ?? (() => new Date());
  const retentionSeconds = (options.runRetentionDays ?? 90) * 86_400;

  const { send, conditional, batchWrite, queryPage, queryAll, partition, countOf, latestRuns, close } =
    openStateTable(options);

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
          throw new SyncError(
            'state_store_failed',
            `sync state table ${table}: no free run id after ${attempt} tries`,
            { retryable: true },
          );
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

    entities(sync, kind) {
      return {
        sync,
        kind,
        async scan(after, limit) {
          const pk = statePk(sync, kind);
          // `sk > ''` is refused (an empty key value), and every key is after it anyway.
          const range: QueryInput =
            after === ''
              ? partition(pk, ['sk', 'hash', 'fp'])
              : {
                  KeyConditionExpression: '#pk = :pk AND #sk > :after',
                  ExpressionAttributeNames: names('pk', 'sk', 'hash', 'fp'),
                  ExpressionAttributeValues: { ':pk': pk, ':after': after },
                };
          const entries: StoredEntityState[] = [];
          let start: Record<string, unknown> | undefined;
          // A Query page stops at 1 MB: keep reading until `limit` entries or the end, as the port promises.
          do {
            const page = await queryPage({
              ...range,
              ProjectionExpression: '#sk, #hash, #fp',
              Limit: limit - entries.length,
              ...(start ? { ExclusiveStartKey: start } : {}),
            });
            for (const item of page.Items ?? []) {
              entries.push(new StoredEntityState(item.sk as string, item.hash as string, item.fp as string));
            }
            start = page.LastEvaluatedKey;
          } while (start && entries.length < limit);
          return entries;
        },

        async commit(runId, { changed, gone }) {
          const pk = statePk(sync, kind);
          const put = (Item: Item): Item => ({ PutRequest: { Item } });
          const writes = changed.map(({ key, state }) =>
            put({ pk, sk: key, hash: state.hash, fp: JSON.stringify(state.attributes), seen_run: runId }),
          );
          // Gone marks rewrite the items the scan just read, 25 to a request, instead of one UpdateItem each.
          for (const entry of gone) {
            const fp = entry instanceof StoredEntityState ? entry.fp : JSON.stringify(entry.attributes());
            writes.push(put({ pk, sk: entry.key, hash: entry.hash, fp, gone_run: runId }));
          }
          await batchWrite(writes);
        },

        count: () => countOf(statePk(sync, kind)),

        async *gone(runId, batchSize) {
          let batch: StateEntry[] = [];
          for await (const page of queryAll({
            ...partition(statePk(sync, kind), ['sk', 'hash', 'fp', 'gone_run'], { ':r': runId }),
            ProjectionExpression: '#sk, #hash, #fp',
            FilterExpression: '#gone_run = :r',
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

        async forget(keys) {
          const pk = statePk(sync, kind);
          await batchWrite([...new Set(keys)].map((sk) => ({ DeleteRequest: { Key: { pk, sk } } })));
        },
      };
    },

    async close() {
      close();
    },
  };
}

const statePk = (sync: string, kind: EntityKind) => `${sync}#${kind}`;
const runsPk = (sync: string) => `${sync}#runs`;
// Epoch milliseconds have 13 digits until the year 2286; 16 keep the order with room to spare.
const runSk = (id: number) => String(id).padStart(16, '0');

// Keeps the fingerprint's JSON and parses it only if the entity hash moved (a few rows per run).
class StoredEntityState implements ScannedEntry {
  constructor(
    readonly key: string,
    readonly hash: string,
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
