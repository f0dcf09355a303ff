// The console against AWS-shaped backends, started as an operator starts it against a deployed stack:
// `userflow-bridge console --trail dynamodb://<table> --queue-url … --dlq-url …`, here with dynalite and the SQS
// emulator behind AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS: the list, the detail, a redrive, a user's
// timeline, the status page's queue depth and the playground.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsQueue, type SqsQueue } from '../../lib/queue/sqs/sqs-queue.ts';
import { openDynamoDbTrail } from '../../lib/trail/dynamodb-store.ts';
import type { TrailStore } from '../../lib/trail/store.ts';
import {
  badSignature,
  intake,
  putDeadLetter,
  putTrialConverted,
  TRIAL_USER,
} from '../helpers/console-trail.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../helpers/dynamodb-emulator.ts';
import { type Checkout, cleanEnv, type SpawnedCli, scratchCheckout, spawnCli } from '../helpers/spawn-cli.ts';
import { type SqsEmulator, startSqsEmulator } from '../helpers/sqs-emulator.ts';
import { createTrailTable } from '../helpers/trail-table.ts';
import { HAS_CHROMIUM, launchChromium, seeText } from './chromium.ts';
import { playgroundAgreesWithRulesTest, seeTrialUserTimeline } from './console-stories.ts';

const TABLE = 'bridge-trail';

describe.skipIf(!HAS_CHROMIUM)('console in chromium (dynalite + SQS emulator)', () => {
  let ddb: DynamoDbEmulator;
  let sqs: SqsEmulator;
  let checkout: Checkout;
  let trail: TrailStore;
  let main: SqsQueue;
  let dlq: SqsQueue;
  let cli: SpawnedCli;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [ddb, sqs] = await Promise.all([startDynamoDbEmulator(), startSqsEmulator()]);
    await createTrailTable(ddb.client, TABLE);
    const queue = await sqs.createFifoQueue('bridge-webhooks', { dlq: true });
    if (!queue.dlq) throw new Error('the emulator made no DLQ');
    main = createSqsQueue({ queueUrl: queue.url, client: sqs.clientConfig });
    dlq = createSqsQueue({ queueUrl: queue.dlq.url, client: sqs.clientConfig });
    trail = openDynamoDbTrail({ tableName: TABLE, client: ddb.clientConfig });

    const minute = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
    await trail.putIntake(badSignature('req_bad_sig', minute(3)));
    await putTrialConverted(trail, minute(2));
    // Two users, so two FIFO message groups: a look at a FIFO DLQ is a receive, and the emulator hands out one
    // message of a group per look (see the README's Status on dead letters of one user).
    await putDeadLetter(dlq, { commandId: 'cmd_dead_one', reason: 'invalid_params', userId: 'ada' });
    await putDeadLetter(dlq, { commandId: 'cmd_dead_two', reason: 'invalid_params', userId: 'bob' });

    checkout = scratchCheckout();
    const env = cleanEnv({
      AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_REGION: ddb.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    const args = ['console', '--port', '0', '--trail', `dynamodb://${TABLE}`];
    cli = spawnCli([...args, '--queue-url', queue.url, '--dlq-url', queue.dlq.url], {
      cwd: checkout.dir,
      env,
    });
    url = (await cli.waitFor(/console: (http:\/\/\S+)/, { timeoutMs: 30_000 }))[1] ?? '';
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    cli?.child.kill('SIGINT');
    await cli?.exited;
    trail?.close();
    main?.close();
    dlq?.close();
    checkout?.remove();
    await Promise.all([ddb?.close(), sqs?.close()]);
  });

  it('lists the DynamoDB trail, and a record written after the page loaded appears without a reload', async () => {
    await page.goto(url);
    await seeText(page.locator('#events tr').first(), 'evt_1SmpLTrialConvertedA01');
    await seeText(page.locator('#row-req_bad_sig'), 'rejected');
    await page.locator('#live-status', { hasText: 'live' }).waitFor();
    await trail.putIntake(
      intake({ requestId: 'req_live_aws', receivedAt: new Date(Date.now() + 1_000).toISOString() }),
    );
    await seeText(page.locator('#row-req_live_aws'), 'queued');
  });

  it('shows the trial→paid event: both membership commands and their 200s', async () => {
    await page.goto(url);
    await page.getByRole('link', { name: 'evt_1SmpLTrialConvertedA01' }).click();
    for (const [kind, group] of [
      ['remove_membership', 'trial'],
      ['add_membership', 'paid'],
    ] as const) {
      const command = page.locator('[data-command]', { hasText: kind });
      await seeText(command, group);
      await seeText(command.getByRole('table', { name: 'Userflow attempts' }), '200');
    }
  });

  it('redrives a dead letter from the page onto the SQS queue', async () => {
    await page.goto(`${url}dead-letters`);
    const group = page.locator('[data-reason="invalid_params"]');
    await seeText(group, '2 messages');
    await group.getByLabel('Select cmd_dead_one').check();
    await group.getByRole('button', { name: 'Redrive selected' }).click();
    await seeText(page.getByRole('status'), 'Redrove 1 of 1 selected');
    await seeText(page.locator('[data-reason="invalid_params"]'), '1 message');
    const moved = await main.receive({ maxMessages: 10, waitSeconds: 1 });
    expect(moved.map((m) => (JSON.parse(m.body) as { id: string }).id)).toEqual(['cmd_dead_one']);
    await main.delete(moved.map((m) => m.receiptHandle));
  });

  it("replays a stored event onto the stack's SQS queue: a dry run first, then the commands on the queue", async () => {
    // The shipped trial→paid sample as ingest stores it in the stack's trail.
    const text = readFileSync(join(checkout.dir, 'samples/stripe/trial-converted.json'), 'utf8');
    const sample = JSON.parse(text) as { id: string; type: string };
    await trail.putIntake(
      intake({
        requestId: 'req_replay_aws',
        receivedAt: new Date().toISOString(),
        eventIds: [sample.id],
        body: { stored: true, size: text.length, text },
        events: [{ id: sample.id, type: sample.type, outcome: 'accepted', rules: [], commands: [] }],
      }),
    );
    await page.goto(`${url}?q=${sample.id}`);
    await page.locator('#row-req_replay_aws').getByRole('link', { name: sample.id }).click();
    await page.getByRole('button', { name: 'Replay (dry run first)' }).click();
    await seeText(page.getByRole('list', { name: 'Replay commands' }), TRIAL_USER);
    expect(await main.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
    await page.getByRole('button', { name: 'Queue the replay' }).click();
    await seeText(page.getByRole('status'), /Replay queued \d+ command/);
    const status = (await page.getByRole('status').textContent()) ?? '';
    const queued = Number(/Replay queued (\d+) command/.exec(status)?.[1]);
    expect(queued).toBeGreaterThan(0);
    const received: Awaited<ReturnType<typeof main.receive>> = [];
    // One FIFO group: the emulator hands out its messages as earlier ones are deleted.
    while (received.length < queued) {
      const batch = await main.receive({ maxMessages: 10, waitSeconds: 1 });
      if (batch.length === 0) break;
      received.push(...batch);
      await main.delete(batch.map((m) => m.receiptHandle));
    }
    expect(received).toHaveLength(queued);
    expect(new Set(received.map((m) => m.groupId))).toEqual(new Set([TRIAL_USER]));
  });

  it("shows a user's timeline from the DynamoDB trail's by-user index", async () => {
    await seeTrialUserTimeline(page, url);
  });

  it('shows the SQS queue depth, live, and it drops to 0 when the queue drains', async () => {
    await main.send([{ groupId: 'ada', dedupeId: 'depth-probe', body: '{}' }]);
    await page.goto(`${url}status`);
    const depth = page.locator('[data-queue="webhooks"] [data-depth]');
    await seeText(depth, /^\s*1\s*$/);
    await page.locator('#status-live', { hasText: 'live' }).waitFor();
    const received = await main.receive({ maxMessages: 10, waitSeconds: 1 });
    await main.delete(received.map((m) => m.receiptHandle));
    await seeText(depth, /^\s*0\s*$/);
  });

  it('the playground gives the commands `rules test` gives, with no backend involved', async () => {
    await playgroundAgreesWithRulesTest(page, url, checkout.dir);
  });
});
