// The DynamoDB trail against dynalite over the real DynamoDB protocol: the same contract as SQLite, plus what only
// DynamoDB has (the item size limit, the table's indexes, an unreachable table).
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trailFromEnv } from '../../../functions/trail.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { UNREAD_BODY } from '../../../lib/trail/capture.ts';
import { requestKey, TRAIL_TABLE_SCHEMA } from '../../../lib/trail/dynamodb-layout.ts';
import { openDynamoDbTrail } from '../../../lib/trail/dynamodb-store.ts';
import { TrailError } from '../../../lib/trail/errors.ts';
import { openTrail } from '../../../lib/trail/open.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../../helpers/dynamodb-emulator.ts';
import { createTrailTable } from '../../helpers/trail-table.ts';
import { attempt, describeTrailContract, intake } from './trail-contract.ts';

let ddb: DynamoDbEmulator;
let tables = 0;

beforeAll(async () => {
  ddb = await startDynamoDbEmulator();
});
afterAll(async () => {
  await ddb?.close();
});

async function freshTable(): Promise<string> {
  tables += 1;
  const name = `trail-${tables}`;
  await createTrailTable(ddb.client, name);
  return name;
}

describeTrailContract('DynamoDB (dynalite)', async () =>
  openDynamoDbTrail({ tableName: await freshTable(), client: ddb.clientConfig }),
);

describe('DynamoDB trail', () => {
  it('opens through dynamodb://<table> with the endpoint from AWS_ENDPOINT_URL_DYNAMODB', async () => {
    const table = await freshTable();
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
      AWS_REGION: ddb.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    try {
      const store = await openTrail(`dynamodb://${table}`);
      await store.putIntake(intake({ requestId: 'via-env' }));
      expect((await store.findIntake('evt_via-env'))?.requestId).toBe('via-env');
      store.close();
    } finally {
      process.env = saved;
    }
  });

  it('keeps a body whose escaped JSON would pass the 400 KB item limit as its digest, not as a failed write', async () => {
    const store = openDynamoDbTrail({ tableName: await freshTable(), client: ddb.clientConfig });
    // 256 KiB of quotes: within TRAIL_BODY_LIMIT_BYTES, but JSON escaping doubles it to 512 KiB.
    const text = '"'.repeat(256 * 1024);
    await store.putIntake(intake({ requestId: 'big', body: { stored: true, size: text.length, text } }));
    const got = await store.findIntake('big');
    expect(got?.body).toEqual({
      stored: false,
      size: text.length,
      sha256: (await import('node:crypto')).createHash('sha256').update(text).digest('hex'),
      reason: 'too_large',
    });
    expect(got?.events[0]?.commands[0]?.id).toBe('cmd_big');
    store.close();
  });

  it('rejects, never throws, a record too large for an item even without its body', async () => {
    const store = openDynamoDbTrail({ tableName: await freshTable(), client: ddb.clientConfig });
    const record = intake({ requestId: 'huge', headers: { 'x-big': 'a'.repeat(400 * 1024) } });
    const write = store.putIntake(record);
    await expect(write).rejects.toBeInstanceOf(TrailError);
    await expect(write).rejects.toMatchObject({ code: 'trail_unavailable' });
    expect(await store.findIntake('huge')).toBeUndefined();
    store.close();
  });

  it('stores a body of the default 256 KiB limit whole', async () => {
    const store = openDynamoDbTrail({ tableName: await freshTable(), client: ddb.clientConfig });
    const text = 'a'.repeat(256 * 1024);
    await store.putIntake(intake({ requestId: 'full', body: { stored: true, size: text.length, text } }));
    expect((await store.findIntake('full'))?.body).toEqual({ stored: true, size: text.length, text });
    store.close();
  });

  it('writes an intake record once: the indexes carry only the small attributes, never the body', async () => {
    const table = await freshTable();
    const store = openDynamoDbTrail({ tableName: table, client: ddb.clientConfig });
    await store.putIntake(intake({ requestId: 'r1' }));
    const doc = DynamoDBDocumentClient.from(ddb.client);
    const item = (await doc.send(new GetCommand({ TableName: table, Key: requestKey('r1') }))).Item;
    expect(item).toMatchObject({ kind: 'intake', expiresAt: 2_000_000_000 });
    expect(TRAIL_TABLE_SCHEMA.projectedAttributes).not.toContain('intake');
    expect(TRAIL_TABLE_SCHEMA.timeToLive).toBe('expiresAt');
    store.close();
  });

  it('finds a sender event id and lists a user whose ids are longer than a DynamoDB key may be', async () => {
    const store = openDynamoDbTrail({ tableName: await freshTable(), client: ddb.clientConfig });
    const long = 'x'.repeat(3_000);
    const record = intake({ requestId: 'long', eventIds: [long] });
    record.events[0]?.commands.push({ id: `c-${long}`, kind: 'upsert_user', userId: long });
    await store.putIntake(record);
    expect((await store.findIntake(long))?.requestId).toBe('long');
    expect((await store.listIntakes({ limit: 5, userId: long })).map((r) => r.requestId)).toEqual(['long']);
    await store.putAttempt(attempt({ commandId: `c-${long}`, userId: long }));
    expect(await store.attemptsFor([`c-${long}`])).toHaveLength(1);
    store.close();
  });

  it('lists by source and outcome together, and by user and group together', async () => {
    const store = openDynamoDbTrail({ tableName: await freshTable(), client: ddb.clientConfig });
    for (let i = 0; i < 30; i++) {
      await store.putIntake(
        intake({
          requestId: `r${String(i).padStart(2, '0')}`,
          receivedAt: new Date(Date.UTC(2026, 11, 1, 10, i)).toISOString(),
          outcome: i % 10 === 0 ? 'duplicate' : 'accepted',
        }),
      );
    }
    const ids = (rs: { requestId: string }[]) => rs.map((r) => r.requestId);
    expect(ids(await store.listIntakes({ limit: 2, source: 'stripe', outcome: 'duplicate' }))).toEqual([
      'r20',
      'r10',
    ]);
    expect(ids(await store.listIntakes({ limit: 5, userId: 'ada', outcome: 'duplicate' }))).toEqual([
      'r20',
      'r10',
      'r00',
    ]);
    expect(await store.listIntakes({ limit: 5, userId: 'ada', groupId: 'acme' })).toEqual([]);
    store.close();
  });

  it('writes every pointer of a 1,000-event batch, resending what DynamoDB left unprocessed', async () => {
    const doc = DynamoDBDocumentClient.from(ddb.client);
    let throttled = 0;
    let batches = 0;
    // Leaves the second half of the first three batches unprocessed, as DynamoDB does when it throttles.
    const throttling = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        if (command.constructor.name === 'BatchWriteCommand') batches += 1;
        if (command.constructor.name !== 'BatchWriteCommand' || throttled >= 3)
          return doc.send(command as never);
        throttled += 1;
        const [table, all] = Object.entries(command.input.RequestItems as Record<string, unknown[]>)[0] as [
          string,
          unknown[],
        ];
        const half = Math.ceil(all.length / 2);
        await doc.send(new BatchWriteCommand({ RequestItems: { [table]: all.slice(0, half) as never } }));
        return { UnprocessedItems: { [table]: all.slice(half) } };
      },
    };
    const store = openDynamoDbTrail({
      tableName: await freshTable(),
      client: throttling as unknown as DynamoDBDocumentClient,
      sleep: async () => {},
    });
    const events = Array.from({ length: 1_000 }, (_, i) => ({
      id: `evt_${i}`,
      outcome: 'accepted',
      rules: [],
      commands: [{ id: `cmd_${i}`, kind: 'upsert_user', userId: `user_${i}` }],
    }));
    await store.putIntake(
      intake({ requestId: 'batch', eventIds: events.map((e) => e.id), events, body: UNREAD_BODY }),
    );
    // 3,000 pointers are 120 batches; the three throttled ones were each sent again.
    expect(throttled).toBe(3);
    expect(batches).toBe(123);
    for (const id of ['evt_0', 'cmd_499', 'evt_999'])
      expect((await store.findIntake(id))?.requestId).toBe('batch');
    expect((await store.listIntakes({ limit: 5, userId: 'user_777' })).map((r) => r.requestId)).toEqual([
      'batch',
    ]);
    store.close();
  });

  it('fails with a retryable trail_unavailable when the table is not there', async () => {
    const store = openDynamoDbTrail({ tableName: 'no-such-table', client: ddb.clientConfig });
    const error = await store.putIntake(intake({ requestId: 'x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrailError);
    expect(error).toMatchObject({ code: 'trail_unavailable', retryable: true });
    await expect(store.listIntakes({ limit: 1 })).rejects.toMatchObject({ code: 'trail_unavailable' });
    store.close();
  });
});

describe('trailFromEnv (functions/trail.ts)', () => {
  it('keeps no trail without TRAIL_TABLE_NAME', () => {
    expect(trailFromEnv({})).toEqual({});
    expect(trailFromEnv({ TRAIL_TABLE_NAME: '' })).toEqual({});
  });

  it('names TRAIL_TABLE_NAME when it cannot be a table name', () => {
    expect(() => trailFromEnv({ TRAIL_TABLE_NAME: 'a b' })).toThrow(ConfigError);
    expect(() => trailFromEnv({ TRAIL_TABLE_NAME: 'a b' })).toThrow(/TRAIL_TABLE_NAME/);
  });

  it('opens the table on the endpoint the environment names, with the retention and body limit read too', async () => {
    const table = await freshTable();
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
      AWS_REGION: ddb.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    try {
      const deps = trailFromEnv({ TRAIL_TABLE_NAME: table, TRAIL_RETENTION_DAYS: '7' });
      expect(deps.trailConfig).toEqual({ bodyLimitBytes: 256 * 1024, retentionDays: 7 });
      await deps.trail?.putAttempt(attempt({ commandId: 'from-env' }));
      expect(await deps.trail?.attemptsFor(['from-env'])).toHaveLength(1);
      deps.trail?.close();
    } finally {
      process.env = saved;
    }
  });
});

describe('DynamoDB trail outage', () => {
  it('fails fast with trail_unavailable when DynamoDB hangs, bounded like every other AWS call', async () => {
    // Accepts connections and never answers: a hung endpoint, not a refused one.
    const sockets: Socket[] = [];
    const hung = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as AddressInfo;
    const store = openDynamoDbTrail({
      tableName: 'trail',
      client: { ...ddb.clientConfig, endpoint: `http://127.0.0.1:${port}` },
      timeouts: { requestTimeoutMs: 200, maxAttempts: 1 },
    });
    const started = Date.now();
    await expect(store.putAttempt(attempt({ commandId: 'c' }))).rejects.toMatchObject({
      code: 'trail_unavailable',
      retryable: true,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    store.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => hung.close(() => resolve()));
  });
});
