// The watch Lambda's logic in-process, against the strict sandbox and dynalite: as the scheduler invokes it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors.ts';
import { type RunningSandbox, SANDBOX_API_KEY } from '../../../lib/sandbox/index.ts';
import { envSecretSource } from '../../../lib/secrets/index.ts';
import { UserflowClient } from '../../../lib/userflow/index.ts';
import { createUndiciTransport } from '../../../lib/userflow/undici-transport.ts';
import { dynamoDbAlertState } from '../../../lib/watch/dynamodb-state.ts';
import { AlertDeliveryError } from '../../../lib/watch/index.ts';
import { loadWatchFiles } from '../../../lib/watch/load.ts';
import { createWatchHandler } from '../../../lib/watch/scheduled-run.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../../helpers/dynamodb-emulator.ts';
import { startSandbox } from '../../helpers/sandbox.ts';
import { type Receiver, startReceiver } from './receiver.ts';

let sandbox: RunningSandbox;
let dynamo: DynamoDbEmulator;
let dir: string;
const receivers: Receiver[] = [];
beforeAll(async () => {
  [sandbox, dynamo] = await Promise.all([startSandbox({ profile: 'strict' }), startDynamoDbEmulator()]);
  await dynamo.createTable('watch-state', { partitionKey: 'watch', sortKey: 'target' });
  dir = await mkdtemp(join(tmpdir(), 'watch-fn-'));
});
afterAll(async () => {
  await Promise.all([sandbox.close(), dynamo.close(), ...receivers.map((r) => r.close())]);
  await rm(dir, { recursive: true, force: true });
});

async function handlerFor(receiver: Receiver, table = 'watch-state') {
  await writeFile(
    join(dir, 'example.yaml'),
    'name: getting-started-stalled\ncontent: Getting started\nstalled_after: 3d\nalert: { slack: SLACK_WEBHOOK_URL }\n',
  );
  return createWatchHandler({
    watches: await loadWatchFiles(dir),
    userflow: async () => new UserflowClient({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox.url }),
    state: dynamoDbAlertState({ tableName: table, client: dynamo.clientConfig }),
    secrets: envSecretSource({ SLACK_WEBHOOK_URL: receiver.url }),
    transport: createUndiciTransport(),
    sleep: async () => {},
  });
}

describe('the watch function', () => {
  it('alerts on the first scheduled run and not on the next, with the state in DynamoDB', async () => {
    const slack = await startReceiver();
    receivers.push(slack);
    const handler = await handlerFor(slack);
    expect(await handler({ watch: 'getting-started-stalled' })).toMatchObject({ stalled: 1, sent: 1 });
    expect(await handler({ watch: 'getting-started-stalled' })).toMatchObject({
      already_alerted: 1,
      sent: 0,
    });
    expect(slack.received).toHaveLength(1);
  });

  it('a run out of time saves its cursor and the next invocation goes on from it, alerting no one twice', async () => {
    await dynamo.createTable('watch-state-3', { partitionKey: 'watch', sortKey: 'target' });
    const slack = await startReceiver();
    receivers.push(slack);
    const handler = await handlerFor(slack, 'watch-state-3');
    // Lambda's clock says time is up after every session: each invocation reads one and hands on.
    const outOfTime = { getRemainingTimeInMillis: () => 1_000 };
    const runs = [];
    for (let i = 0; i < 100; i++) {
      const run = await handler({ watch: 'getting-started-stalled' }, outOfTime);
      runs.push(run);
      if (!run.resume_after) break;
    }
    const total = runs.reduce((sum, r) => sum + r.sessions_read, 0);
    expect(runs.length).toBeGreaterThan(2);
    expect(runs.slice(1).every((r) => r.resumed_after !== undefined)).toBe(true);
    expect(runs.reduce((sum, r) => sum + r.sent, 0)).toBe(1);
    expect(slack.received).toHaveLength(1);
    // The last run read to the end and cleared the cursor: the next one starts over, and finds nobody new.
    const again = await handler({ watch: 'getting-started-stalled' });
    expect(again).toMatchObject({ sessions_read: total, sent: 0, already_alerted: 1 });
    expect(again.resumed_after).toBeUndefined();
  });

  it('names the watches it knows when the event asks for another', async () => {
    const slack = await startReceiver();
    receivers.push(slack);
    const handler = await handlerFor(slack);
    await expect(handler({ watch: 'nope' })).rejects.toThrow(ConfigError);
    await expect(handler({ watch: 'nope' })).rejects.toThrow(/known: getting-started-stalled/);
  });

  it('fails the invocation when an alert is not delivered, so the scheduler retries', async () => {
    await dynamo.createTable('watch-state-2', { partitionKey: 'watch', sortKey: 'target' });
    const down = await startReceiver([
      { status: 500 },
      { status: 500 },
      { status: 500 },
      { status: 500 },
      { status: 500 },
    ]);
    receivers.push(down);
    const handler = await handlerFor(down, 'watch-state-2');
    await expect(handler({ watch: 'getting-started-stalled' })).rejects.toBeInstanceOf(AlertDeliveryError);
    expect(await handler({ watch: 'getting-started-stalled' })).toMatchObject({ sent: 1 });
  });
});
