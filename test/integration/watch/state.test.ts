// The alert-state contract, run against both adapters: the local JSON file and DynamoDB (dynalite).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbAlertState } from '../../../lib/watch/dynamodb-state.ts';
import { type AlertState, jsonFileAlertState, memoryAlertState } from '../../../lib/watch/index.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../../helpers/dynamodb-emulator.ts';

let dir: string;
let dynamo: DynamoDbEmulator;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'watch-state-'));
  dynamo = await startDynamoDbEmulator();
  await dynamo.createTable('watch-state', { partitionKey: 'watch', sortKey: 'target' });
});
afterAll(async () => {
  await dynamo.close();
  await rm(dir, { recursive: true, force: true });
});

const record = (watch: string, user: string, session: string, alerts = 1) => ({
  watch,
  user_id: user,
  session_id: session,
  alerted_at: '2025-06-01T12:00:00.000Z',
  alerts,
});

const adapters: [string, () => AlertState][] = [
  ['memory', () => memoryAlertState()],
  ['JSON file', () => jsonFileAlertState(join(dir, `${Math.random()}.json`))],
  ['DynamoDB', () => dynamoDbAlertState({ tableName: 'watch-state', client: dynamo.clientConfig })],
];

describe.each(adapters)('%s alert state', (_name, make) => {
  it('finds a record by (watch, user, session) only, and a put replaces it', async () => {
    const state = make();
    const watch = `w-${Math.random().toString(36).slice(2)}`;
    await state.put(record(watch, 'u1', 's1'));
    expect(await state.get(watch, 'u1', 's1')).toEqual(record(watch, 'u1', 's1'));
    expect(await state.get(watch, 'u1', 's2')).toBeUndefined();
    expect(await state.get(`${watch}-other`, 'u1', 's1')).toBeUndefined();
    await state.put({ ...record(watch, 'u1', 's1', 2), completed_at: '2025-06-02T00:00:00.000Z' });
    expect(await state.get(watch, 'u1', 's1')).toMatchObject({
      alerts: 2,
      completed_at: '2025-06-02T00:00:00.000Z',
    });
    await state.put(record(watch, 'u2', 's9'));
    expect((await state.list(watch)).map((r) => r.user_id).sort()).toEqual(['u1', 'u2']);
  });
});

describe('the JSON file state', () => {
  it('is readable by its owner only and survives a reopen', async () => {
    const path = join(dir, 'nested', 'watch-state.json');
    await jsonFileAlertState(path).put(record('w', 'u1', 's1'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await jsonFileAlertState(path).get('w', 'u1', 's1')).toEqual(record('w', 'u1', 's1'));
  });
});
