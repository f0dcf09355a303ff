// The console in a real browser, started as a user starts it (`userflow-bridge console`, `npm start`), against a
// trail and a local queue filled as ingest and delivery fill them. Screenshots go to docs/ for the README when UPDATE_SCREENSHOTS=1.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_QUEUE_SETTINGS, localLayout, QUEUE_NAMES } from '../../lib/local/layout.ts';
import { openSqliteQueues, type SqliteQueues } from '../../lib/queue/sqlite/sqlite-queue.ts';
import { openSqliteTrail } from '../../lib/trail/sqlite-store.ts';
import type { TrailStore } from '../../lib/trail/store.ts';
import { eventually, postSigned, sandboxUser, verifyOf } from '../e2e/support.ts';
import {
  attempt,
  badSignature,
  intake,
  putDeadLetter,
  putTrialConverted,
  TRIAL_USER,
} from '../helpers/console-trail.ts';
import {
  type Checkout,
  REPO_ROOT,
  type SpawnedCli,
  scratchCheckout,
  spawnCli,
  startBridgeProcess,
} from '../helpers/spawn-cli.ts';
import { HAS_CHROMIUM, launchChromium, seeText } from './chromium.ts';
import { playgroundAgreesWithRulesTest, seeTrialUserTimeline } from './console-stories.ts';

// The README's screenshots are rewritten only when asked (UPDATE_SCREENSHOTS=1): a test run leaves the tree clean.
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(REPO_ROOT, 'docs')
  : mkdtempSync(join(tmpdir(), 'console-shots-'));
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, name), fullPage: true });

describe.skipIf(!HAS_CHROMIUM)('console in chromium (userflow-bridge console)', () => {
  let checkout: Checkout;
  let trail: TrailStore;
  let queues: SqliteQueues;
  let cli: SpawnedCli;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    checkout = scratchCheckout();
    const layout = localLayout(join(checkout.dir, '.local'));
    trail = openSqliteTrail(layout.trailDb);
    queues = openSqliteQueues({
      path: layout.queueDb,
      mainName: QUEUE_NAMES.webhooks,
      dlqName: QUEUE_NAMES.webhooksDlq,
      ...LOCAL_QUEUE_SETTINGS,
    });
    const minute = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
    for (let i = 0; i < 30; i++) {
      await trail.putIntake(
        intake({
          requestId: `req_hist_${i}`,
          receivedAt: minute(60 + i),
          source: i % 3 === 0 ? 'hubspot' : 'stripe',
          events: [
            {
              id: `evt_req_hist_${i}`,
              type: i % 3 === 0 ? 'contact.propertyChange' : 'customer.updated',
              outcome: 'accepted',
              rules: [],
              commands: [],
            },
          ],
        }),
      );
    }
    await trail.putIntake(badSignature('req_bad_sig', minute(3)));
    await putTrialConverted(trail, minute(2));
    await putDeadLetter(queues.dlq, { commandId: 'cmd_dead_one', reason: 'invalid_params' });
    await putDeadLetter(queues.dlq, { commandId: 'cmd_dead_two', reason: 'invalid_params' });
    await putDeadLetter(queues.dlq, { commandId: 'cmd_dead_three', reason: 'user_not_found', userId: 'bob' });

    cli = spawnCli(['console', '--port', '0'], { cwd: checkout.dir });
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
    queues?.close();
    checkout?.remove();
  });

  it('lists the trail, and shows a record written after the page loaded and its delivery without a reload', async () => {
    await page.goto(url);
    const rows = page.locator('#events tr');
    await seeText(rows.first(), 'evt_1SmpLTrialConvertedA01');
    await seeText(page.locator('#row-req_bad_sig'), 'rejected');
    await page.locator('#live-status', { hasText: 'live' }).waitFor();

    await trail.putIntake(
      intake({ requestId: 'req_live', receivedAt: new Date(Date.now() + 1_000).toISOString() }),
    );
    await seeText(page.locator('#row-req_live'), 'queued');
    // Its command is delivered: the row's badge changes in place, still without a reload.
    await trail.putAttempt(attempt({ commandId: 'cmd_req_live', at: new Date().toISOString() }));
    await seeText(page.locator('#row-req_live'), 'delivered');
    await seeText(rows.first(), 'evt_req_live');
    await shot(page, 'console-events.png');
  });

  it('filters by outcome and pages through older records', async () => {
    await page.goto(url);
    await page.getByLabel('Outcome').selectOption('rejected');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/outcome=rejected/);
    expect(await page.locator('#events tr').count()).toBe(1);
    await seeText(page.locator('#events'), 'bad_signature');
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
      await seeText(command.getByRole('table', { name: 'Userflow attempts' }), 'delivered');
    }
    expect(await page.getByRole('button', { name: /Replay/ }).isDisabled()).toBe(false);
    await shot(page, 'console-event.png');
  });

  it("shows the user's timeline", async () => {
    await seeTrialUserTimeline(page, url);
    await shot(page, 'console-user.png');
  });

  it('redrives a dead letter from the page', async () => {
    await page.goto(`${url}dead-letters`);
    const group = page.locator('[data-reason="invalid_params"]');
    await seeText(group, '2 messages');
    await shot(page, 'console-dead-letters.png');
    await group.getByLabel('Select cmd_dead_one').check();
    await group.getByRole('button', { name: 'Redrive selected' }).click();
    await seeText(page.getByRole('status'), 'Redrove 1 of 1 selected');
    await seeText(page.locator('[data-reason="invalid_params"]'), '1 message');
    const main = await queues.main.browse();
    expect(main.map((m) => JSON.parse(m.body).id)).toEqual(['cmd_dead_one']);
  });

  it('shows the queue depth, live, and it drops to 0 when the queue drains', async () => {
    await page.goto(`${url}status`);
    const depth = page.locator('[data-queue="webhooks"] [data-depth]');
    await seeText(depth, /^\s*1\s*$/);
    await page.locator('#status-live', { hasText: 'live' }).waitFor();
    const received = await queues.main.receive({ maxMessages: 10, waitSeconds: 0 });
    await queues.main.delete(received.map((m) => m.receiptHandle));
    await seeText(depth, /^\s*0\s*$/);
    await seeText(page.locator('[data-queue="webhooks-dlq"] [data-depth]'), /^\s*2\s*$/);
    await shot(page, 'console-status.png');
  });

  it('the playground gives the commands `rules test` gives for a shipped sample', async () => {
    // Picking a sample from the list loads it as the payload, unchanged.
    await page.goto(`${url}playground`);
    await page.locator('select[name=sample]').selectOption('stripe/trial-converted.json');
    await page.getByRole('button', { name: 'Load sample' }).click();
    await page.waitForURL(/sample=stripe/);
    expect(await page.locator('textarea[name=payload]').inputValue()).toBe(
      readFileSync(join(checkout.dir, 'samples/stripe/trial-converted.json'), 'utf8'),
    );
    await playgroundAgreesWithRulesTest(page, url, checkout.dir);
    await shot(page, 'console-playground.png');
  });

  it('is usable from the keyboard: skip link first, then the sections', async () => {
    await page.goto(url);
    await page.keyboard.press('Tab');
    await seeText(page.locator(':focus'), /^\s*Skip to content\s*$/);
    await page.keyboard.press('Tab');
    await seeText(page.locator(':focus'), /^\s*Events\s*$/);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await seeText(page.getByRole('heading', { level: 1 }), /^\s*Dead letters\s*$/);
  });
});

describe.skipIf(!HAS_CHROMIUM)('console in chromium (npm start)', () => {
  let checkout: Checkout;
  let bridge: Awaited<ReturnType<typeof startBridgeProcess>>;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  const secretOf = (source: string) => {
    const secrets = JSON.parse(readFileSync(join(checkout.dir, '.local', 'dev-secrets.json'), 'utf8'));
    return secrets[source === 'hubspot' ? 'HUBSPOT_CLIENT_SECRET' : `${source.toUpperCase()}_WEBHOOK_SECRET`];
  };
  const send = (source: string, body: string, extra: { eventId?: string } = {}, secret = secretOf(source)) =>
    postSigned(bridge.ingestUrl, source, verifyOf(join(checkout.dir, 'rules'), source), secret, body, extra);

  beforeAll(async () => {
    checkout = scratchCheckout();
    bridge = await startBridgeProcess({ cwd: checkout.dir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
    consoleUrl = bridge.banner.match(/Console\s+(http:\/\/\S+)/)?.[1] ?? '';
  });

  afterAll(async () => {
    await browser?.close();
    await bridge?.stop();
    checkout?.remove();
  });

  it('is served on the webhook port, at the URL the banner prints', async () => {
    expect(consoleUrl).toBe(`${bridge.ingestUrl}/console/`);
    await page.goto(`${consoleUrl}status`);
    await seeText(page.getByRole('table', { name: 'Rule files' }), 'stripe.yaml');
    await page.getByText('the local sandbox').waitFor();
  });

  it('shows the shipped samples and a bad-signature webhook live, as they are sent, and their deliveries', async () => {
    await page.goto(consoleUrl);
    await page.locator('#live-status', { hasText: 'live' }).waitFor();
    const sent: string[] = [];
    for (const source of readdirSync(join(checkout.dir, 'samples'))
      .filter((d) => !d.includes('.'))
      .sort()) {
      for (const file of readdirSync(join(checkout.dir, 'samples', source)).filter((f) =>
        f.endsWith('.json'),
      )) {
        const body = readFileSync(join(checkout.dir, 'samples', source, file), 'utf8');
        const answer = await send(source, body);
        expect([200, 202]).toContain(answer.status);
        sent.push(file);
      }
    }
    const trial = readFileSync(join(checkout.dir, 'samples/stripe/trial-converted.json'), 'utf8');
    expect((await send('stripe', trial, {}, 'whsec_not_the_configured_secret')).status).toBe(401);
    expect(sent.length).toBeGreaterThan(5);
    // No reload: the rows arrive through the stream, and the trial→paid row turns delivered in place.
    await seeText(page.locator('#events tr', { hasText: 'bad_signature' }), 'rejected');
    await seeText(page.locator('#events tr', { hasText: 'evt_1SmpLTrialConvertedA01' }).first(), 'delivered');
    expect(await page.locator('#events tr').count()).toBeGreaterThanOrEqual(sent.length);
  });

  it('redrives a dead letter from the page, and the bridge then delivers it', async () => {
    // Dead-lettered while its user did not exist yet; the user is in the sandbox now (the quick-start seed).
    const layout = localLayout(join(checkout.dir, '.local'));
    const queues = openSqliteQueues({
      path: layout.queueDb,
      mainName: QUEUE_NAMES.webhooks,
      dlqName: QUEUE_NAMES.webhooksDlq,
      ...LOCAL_QUEUE_SETTINGS,
    });
    const trail = openSqliteTrail(layout.trailDb);
    try {
      await putDeadLetter(queues.dlq, {
        commandId: 'cmd_console_redriven',
        reason: 'user_not_found',
        userId: TRIAL_USER,
        error: 'Userflow answered 404: no such user',
      });
      await page.goto(`${consoleUrl}dead-letters`);
      const group = page.locator('[data-reason="user_not_found"]');
      await group.getByLabel('Select cmd_console_redriven').check();
      await group.getByRole('button', { name: 'Redrive selected' }).click();
      await seeText(page.getByRole('status'), 'Redrove 1 of 1 selected');
      const delivered = await eventually(async () => {
        const attempts = await trail.attemptsFor(['cmd_console_redriven']);
        return attempts.find((a) => a.outcome === 'delivered');
      }, 'the redriven command delivered');
      expect(delivered.status).toBe(200);
      const dead = await queues.dlq.browse();
      expect(dead.map((m) => JSON.parse(m.body).id)).not.toContain('cmd_console_redriven');
    } finally {
      trail.close();
      queues.close();
    }
  });

  it("the trial→paid sample's detail shows both membership commands and their 200s from the sandbox", async () => {
    await page.goto(`${consoleUrl}?q=evt_1SmpLTrialConvertedA01&outcome=delivered`);
    await page.getByRole('link', { name: 'evt_1SmpLTrialConvertedA01' }).first().click();
    for (const [kind, group] of [
      ['remove_membership', 'trial'],
      ['add_membership', 'paid'],
    ] as const) {
      const command = page.locator('[data-command]', { hasText: kind });
      await seeText(command, group);
      await seeText(command.getByRole('table', { name: 'Userflow attempts' }), '200');
    }
  });

  it('replays a skipped event after its rule is fixed: a dry run first, then the sandbox has the user', async () => {
    const eventId = 'msg_console_signup_without_user';
    const signup = JSON.stringify({
      type: 'user.signed_up',
      timestamp: new Date().toISOString(),
      data: { user_ref: 'usr_console_replayed', email: 'grace@example.com', name: 'Grace Hopper' },
    });
    expect((await send('portal', signup, { eventId })).status).toBe(202);
    await page.goto(`${consoleUrl}?q=${eventId}`);
    await seeText(page.locator('#events tr', { hasText: eventId }), 'skipped');
    await page.getByRole('link', { name: eventId }).click();
    const detailUrl = page.url();

    const portalRules = join(checkout.dir, 'rules', 'portal.yaml');
    writeFileSync(
      portalRules,
      readFileSync(portalRules, 'utf8').replace(
        'user_id: "{% data.external_id %}"',
        'user_id: "{% data.external_id ? data.external_id : data.user_ref %}"',
      ),
    );
    await bridge.cli.waitFor(/rules reloaded/);
    await page.goto(detailUrl);
    await page.getByRole('button', { name: 'Replay (dry run first)' }).click();
    await seeText(page.getByRole('list', { name: 'Replay commands' }), 'usr_console_replayed');
    expect(await sandboxUser(bridge.sandboxUrl as string, 'usr_console_replayed')).toBeUndefined();
    await page.getByRole('button', { name: 'Queue the replay' }).click();
    await seeText(page.getByRole('status'), /Replay queued \d+ command/);
    const grace = await eventually(
      async () => sandboxUser(bridge.sandboxUrl as string, 'usr_console_replayed'),
      'the replayed user in the sandbox',
    );
    expect(grace?.attributes).toMatchObject({ email: 'grace@example.com' });
    // The attempt's trail record is written after the call: the replay's page shows it once it is there.
    await eventually(async () => {
      await page.reload();
      return ((await page.locator('[data-command]').first().textContent()) ?? '').includes('delivered');
    }, 'the replayed command delivered on its page');
  });
});
