// The trail on DynamoDB (the stack's Trail table): the one trail module on the AWS SDK. The key layout, and
// which Query answers which lookup, is in dynamodb-layout.ts; which partition a listing reads, dynamodb-queries.ts.
// TTL deletes expired items within a few days of `expiresAt`, not at once; until then reads may still return them.
import { randomUUID } from 'node:crypto';
import type { CallTimeouts } from '../aws-timeouts.ts';
import { realSleep } from '../backoff.ts';
import {
  batchGetAll,
  batchWriteAll,
  type DocumentClientOption,
  GetCommand,
  openDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from '../dynamodb/index.ts';
import {
  attemptItem,
  attemptPk,
  confirmationItem,
  type IndexName,
  type Item,
  intakeItems,
  pointerPk,
  requestKey,
  syncRunItem,
} from './dynamodb-layout.ts';
import { attemptPlan, intakePlan, syncRunPlan } from './dynamodb-queries.ts';
import { TrailError } from './errors.ts';
import type { TrailStore } from './store.ts';
import type { AttemptRecord, IntakeQuery, IntakeRecord, SyncRunRecord } from './types.ts';

export interface DynamoDbTrailOptions {
  tableName: string;
  /** A client to share (not destroyed by close()), or the config to build one (bounded by `timeouts`). */
  client?: DocumentClientOption;
  timeouts?: CallTimeouts;
  /** Tries at a batch's unprocessed part (throttling) before the write fails. Default 5. */
  maxBatchAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const WRITE_CONCURRENCY = 4;
/** A filtered listing reads pages of at least this many keys, so a sparse filter costs few round trips. */
const FILTERED_PAGE = 100;

type Page = { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> };
type Key = { pk: string; sk: string };

export function openDynamoDbTrail(options: DynamoDbTrailOptions): TrailStore {
  const table = options.tableName;
  const { doc, close } = openDocumentClient(options.client, options.timeouts);
  const maxBatchAttempts = options.maxBatchAttempts ?? 5;
  const sleep = options.sleep ?? realSleep;

  // biome-ignore lint/suspicious/noExplicitAny: one funnel for every command type, each typed at its call site.
  async function send<T>(what: string, command: any): Promise<T> {
    try {
      return (await doc.send(command)) as T;
    } catch (error) {
      throw new TrailError('trail_unavailable', `trail table ${table}: ${what} failed`, { cause: error });
    }
  }

  const batchOptions = {
    table,
    send,
    maxAttempts: maxBatchAttempts,
    // A few batches in flight: a 1,000-event intake has thousands of pointers, and 100+ parallel requests
    // would only queue on the client's sockets and trip throttling.
    concurrency: WRITE_CONCURRENCY,
    sleep,
    throttled: (operation: string) =>
      new TrailError('trail_unavailable', `trail table ${table}: ${operation} still throttled`),
  };
  /** Writes (or deletes) every request, resending what DynamoDB left unprocessed. */
  const batchWrite = (requests: Record<string, unknown>[]) => batchWriteAll(requests, batchOptions);

  /** The items under `keys`, in the order asked, skipping any gone (expired between the Query and the read). */
  async function batchGet(keys: Key[]): Promise<Record<string, unknown>[]> {
    const found = new Map<string, Record<string, unknown>>();
    for (const item of await batchGetAll(keys, batchOptions)) found.set(String(item.pk), item);
    return keys.map((k) => found.get(k.pk)).filter((item) => item !== undefined);
  }

  /**
   * Reads a key range newest first until `want` results survive `resolve` (which may drop some: a filter, a
   * record already expired). One Query when nothing is filtered out.
   */
  async function collect<T>(
    input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
    want: number,
    filtered: boolean,
    resolve: (items: Record<string, unknown>[]) => Promise<T[]> | T[],
  ): Promise<T[]> {
    const out: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await send<Page>(
        'Query',
        new QueryCommand({
          TableName: table,
          ScanIndexForward: false,
          ...input,
          Limit: filtered ? Math.max(want - out.length, FILTERED_PAGE) : want - out.length,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(await resolve(page.Items ?? [])));
      start = page.LastEvaluatedKey;
    } while (start && out.length < want);
    return out.slice(0, want);
  }

  /** A key condition on partition `pk` of `index` (the table when undefined), from `since` on. */
  function range(pk: string, index: IndexName | undefined, since: Date | undefined) {
    const names: Record<string, string> = { '#pk': index ? `${index}pk` : 'pk' };
    const values: Record<string, string> = { ':pk': pk };
    if (since) {
      names['#sk'] = index ? `${index}sk` : 'sk';
      values[':since'] = since.toISOString();
    }
    return {
      ...(index ? { IndexName: index } : {}),
      KeyConditionExpression: since ? '#pk = :pk AND #sk >= :since' : '#pk = :pk',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async function records(items: Record<string, unknown>[]): Promise<IntakeRecord[]> {
    const ids = [...new Set(items.map((item) => String(item.requestId)))];
    const got = await batchGet(ids.map(requestKey));
    return got.map((item) => JSON.parse(String(item.intake)) as IntakeRecord);
  }

  async function listIntakes(query: IntakeQuery): Promise<IntakeRecord[]> {
    const plan = intakePlan(query);
    return collect(range(plan.pk, plan.index, query.since), query.limit, plan.filtered, async (items) =>
      (await records(items.filter(plan.keepItem))).filter(plan.keep),
    );
  }

  async function newestPointer(pk: string): Promise<string | undefined> {
    const page = await send<Page>(
      'Query',
      new QueryCommand({
        TableName: table,
        ...range(pk, undefined, undefined),
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const id = page.Items?.[0]?.requestId;
    return id === undefined ? undefined : String(id);
  }

  async function getIntake(requestId: string): Promise<IntakeRecord | undefined> {
    const got = await send<{ Item?: Record<string, unknown> }>(
      'GetItem',
      new GetCommand({ TableName: table, Key: requestKey(requestId) }),
    );
    return got.Item ? (JSON.parse(String(got.Item.intake)) as IntakeRecord) : undefined;
  }

  async function attemptsOf(commandId: string): Promise<{ sk: string; record: AttemptRecord }[]> {
    const out: { sk: string; record: AttemptRecord }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await send<Page>(
        'Query',
        new QueryCommand({
          TableName: table,
          ...range(attemptPk(commandId), undefined, undefined),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        out.push({ sk: String(item.sk), record: JSON.parse(String(item.attempt)) as AttemptRecord });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  const put = (what: string, item: Item) =>
    send<unknown>(what, new PutCommand({ TableName: table, Item: item }));
  /**
   * An item, or the reason it cannot be one (a record over DynamoDB's item limit even without its body). That is
   * not transient, but it is a trail failure like any other: logged and counted, never the webhook's answer.
   */
  const built = <T>(make: () => T): T => {
    try {
      return make();
    } catch (error) {
      throw new TrailError('trail_unavailable', (error as Error).message, { cause: error });
    }
  };

  return {
    async putIntake(record) {
      const { main, pointers } = built(() => intakeItems(record));
      await Promise.all([
        put('PutItem', main),
        batchWrite(pointers.map((Item) => ({ PutRequest: { Item } }))),
      ]);
    },
    // async, so a record that cannot be an item rejects like a failed write instead of throwing at the call.
    async putAttempt(record) {
      await put(
        'PutItem',
        built(() => attemptItem(record, randomUUID())),
      );
    },
    async putSyncRun(record) {
      await put(
        'PutItem',
        built(() => syncRunItem(record)),
      );
    },
    listIntakes,
    async findIntake(id) {
      const [direct, byEvent, byCommand] = await Promise.all([
        getIntake(id),
        newestPointer(pointerPk.event(id)),
        newestPointer(pointerPk.command(id)),
      ]);
      if (direct) return direct;
      for (const requestId of [byEvent, byCommand]) {
        const found = requestId === undefined ? undefined : await getIntake(requestId);
        if (found) return found;
      }
      return undefined;
    },
    async attemptsFor(commandIds) {
      const all = (await Promise.all([...new Set(commandIds)].map(attemptsOf))).flat();
      // The sort key starts with the normalised time and attempt number, so it orders across commands too.
      all.sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
      return all.map((a) => a.record);
    },
    listAttempts(query) {
      const plan = attemptPlan(query);
      return collect(range(plan.pk, plan.index, query.since), query.limit, plan.filtered, (items) =>
        items.map((item) => JSON.parse(String(item.attempt)) as AttemptRecord).filter(plan.keep),
      );
    },
    listSyncRuns(query) {
      const plan = syncRunPlan(query);
      return collect(range(plan.pk, plan.index, undefined), query.limit, false, (items) =>
        items.map((item) => JSON.parse(String(item.run)) as SyncRunRecord),
      );
    },
    claimConfirmation(id, expiresAt) {
      const claim = new PutCommand({
        TableName: table,
        Item: confirmationItem(id, expiresAt),
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      // The condition is the whole point: of two calls racing with one token, DynamoDB lets exactly one write.
      return send('PutItem', claim).then(
        () => true,
        (error: TrailError) => {
          if ((error.cause as Error | undefined)?.name === 'ConditionalCheckFailedException') return false;
          throw error;
        },
      );
    },
    async purgeExpired(now) {
      // DynamoDB's TTL deletes expired items on its own (within days); this is for an explicit clean-up only,
      // and reads the whole table, so nothing on a request path calls it.
      const nowSeconds = Math.floor(now.getTime() / 1000);
      let dropped = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await send<Page>(
          'Scan',
          new ScanCommand({
            TableName: table,
            FilterExpression: '#exp <= :now',
            ProjectionExpression: 'pk, sk, #kind',
            ExpressionAttributeNames: { '#exp': 'expiresAt', '#kind': 'kind' },
            ExpressionAttributeValues: { ':now': nowSeconds },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        const items = page.Items ?? [];
        await batchWrite(items.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })));
        dropped += items.filter((item) => item.kind !== 'intake_key' && item.kind !== 'confirmation').length;
        start = page.LastEvaluatedKey;
      } while (start);
      return dropped;
    },
    close() {
      close();
    },
  };
}
