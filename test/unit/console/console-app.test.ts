// The console app through app.request(): what each page shows from the trail and queues, and who may change state.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleDeps, createConsoleApp } from '../../../lib/console/index.ts';
import { replayThrough } from '../../../lib/console/replay.ts';
import { LOCAL_QUEUE_SETTINGS } from '../../../lib/local/layout.ts';
import { openSqliteQueues, type SqliteQueues } from '../../../lib/queue/sqlite/sqlite-queue.ts';
import { loadRules, type RuleSet } from '../../../lib/rules/index.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import type { TrailStore } from '../../../lib/trail/store.ts';
import type { IntakeRecord } from '../../../lib/trail/types.ts';
import {
  attempt,
  badSignature,
  intake,
  putDeadLetter,
  putTrialConverted,
  TRIAL_USER,
} from '../../helpers/console-trail.ts';
import { REPO_ROOT } from '../../helpers/spawn-cli.ts';

const HOST = '127.0.0.1:8789';
const ORIGIN = `http://${HOST}`;

let trail: TrailStore;
let queues: SqliteQueues;
let rules: RuleSet;

beforeEach(async () => {
  trail = openSqliteTrail(':memory:');
  queues = openSqliteQueues({
    path: ':memory:',
    mainName: 'webhooks',
    dlqName: 'webhooks-dlq',
    ...LOCAL_QUEUE_SETTINGS,
  });
  rules ??= await loadRules(`${REPO_ROOT}rules`);
});
afterEach(() => {
  trail.close();
  queues.close();
});

function consoleFor(extra: Partial<ConsoleDeps> = {}) {
  return createConsoleApp({
    trail,
    queues: [{ name: 'webhooks', main: queues.main, dlq: queues.dlq }],
    rules: () => rules,
    status: () => ({ target: { mode: 'sandbox', url: 'http://127.0.0.1:8788' } }),
    samplesDir: `${REPO_ROOT}samples`,
    livePollMs: 20,
    ...extra,
  });
}

async function get(
  app: ReturnType<typeof consoleFor>['app'],
  path: string,
  headers: Record<string, string> = {},
) {
  const response = await app.request(path, { headers: { host: HOST, ...headers } });
  return { status: response.status, text: await response.text(), response };
}

function post(
  app: ReturnType<typeof consoleFor>['app'],
  path: string,
  form: Record<string, string | string[]>,
  headers: Record<string, string> = { origin: ORIGIN },
) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v);
  return app.request(path, {
    method: 'POST',
    headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

describe('events', () => {
  it('lists records newest first with an outcome badge in words, and filters them', async () => {
    await putTrialConverted(trail, '2026-12-01T10:00:00.000Z');
    await trail.putIntake(badSignature('req_bad', '2026-12-01T11:00:00.000Z'));
    const { app } = consoleFor();

    const all = await get(app, '/console/');
    expect(all.status).toBe(200);
    expect(all.text.indexOf('req_bad')).toBeLessThan(all.text.indexOf('evt_1SmpLTrialConvertedA01'));
    expect(all.text).toContain('<span class="badge b-delivered">delivered</span>');
    expect(all.text).toContain('<span class="badge b-rejected">rejected</span>');

    const rejected = await get(app, '/console/?outcome=rejected');
    expect(rejected.text).toContain('req_bad');
    expect(rejected.text).not.toContain('evt_1SmpLTrialConvertedA01');

    const search = await get(app, '/console/?q=TrialConverted');
    expect(search.text).toContain('evt_1SmpLTrialConvertedA01');
    expect(search.text).not.toContain('req_bad');

    const byUser = await get(app, `/console/?user=${TRIAL_USER}`);
    expect(byUser.text).toContain('evt_1SmpLTrialConvertedA01');
    expect(byUser.text).not.toContain('req_bad');
  });

  it('filters 10,000 records by outcome, with their commands looked up in chunks', async () => {
    for (let i = 0; i < 10_000; i++) {
      const id = `bulk${i}`;
      await trail.putIntake(
        intake({ requestId: id, receivedAt: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString() }),
      );
      if (i % 2 === 0) await trail.putAttempt(attempt({ commandId: `cmd_${id}` }));
    }
    const { app } = consoleFor();
    const delivered = await get(app, '/console/?outcome=delivered');
    // The window is the newest 5,000: the newest record is odd (queued), the one before it delivered.
    expect(delivered.text).toContain('evt_bulk9998');
    expect(delivered.text).not.toContain('evt_bulk9999');
    expect(delivered.text).toContain('Older →');
  });

  it('pages through more records than fit one page', async () => {
    for (let i = 0; i < 60; i++) {
      await trail.putIntake(
        intake({
          requestId: `r${String(i).padStart(2, '0')}`,
          receivedAt: `2026-12-01T10:${String(i).padStart(2, '0')}:00.000Z`,
        }),
      );
    }
    const { app } = consoleFor();
    const first = await get(app, '/console/');
    expect(first.text).toContain('evt_r59');
    expect(first.text).not.toContain('evt_r09');
    expect(first.text).toContain('Older →');
    const second = await get(app, '/console/?page=2');
    expect(second.text).toContain('evt_r09');
    expect(second.text).not.toContain('evt_r59');
    expect(second.text).toContain('← Newer');
  });

  it('streams a record written after the page loaded', async () => {
    const { app } = consoleFor();
    const page = await get(app, '/console/');
    const stream = /data-live="([^"]+)"/.exec(page.text)?.[1]?.replaceAll('&amp;', '&');
    expect(stream).toBeDefined();
    const response = await app.request(stream ?? '', { headers: { host: HOST } });
    await trail.putIntake(
      intake({ requestId: 'late', receivedAt: new Date(Date.now() + 1000).toISOString() }),
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('row-late')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toMatch(/^event: row$/m);
    expect(text).toContain('evt_late');
  });

  it('streams a record received before the page loaded but written after it', async () => {
    // A webhook still being processed when the page rendered: stamped earlier than the page, written later.
    const { app } = consoleFor();
    const page = await get(app, '/console/');
    expect(page.text).not.toContain('evt_slow');
    const stream = /data-live="([^"]+)"/.exec(page.text)?.[1]?.replaceAll('&amp;', '&');
    const response = await app.request(stream ?? '', { headers: { host: HOST } });
    await trail.putIntake(
      intake({ requestId: 'slow', receivedAt: new Date(Date.now() - 2000).toISOString() }),
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    // Bounded: a feed that never sends the row fails here instead of holding the stream open past the test.
    const deadline = Date.now() + 5_000;
    let text = '';
    let pending = reader.read();
    while (!text.includes('row-slow') && Date.now() < deadline) {
      const chunk = await Promise.race([
        pending,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 200)),
      ]);
      if (chunk === undefined) continue;
      if (chunk.value) text += new TextDecoder().decode(chunk.value);
      pending = reader.read();
    }
    await reader.cancel();
    expect(text).toContain('evt_slow');
  });

  it('ends its live streams when asked, so the server can close', async () => {
    const console_ = consoleFor();
    const response = await console_.app.request('/console/status/stream', { headers: { host: HOST } });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await console_.endStreams();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });
});

describe('sync runs and direct calls in the events list', () => {
  const run = (runId: string, startedAt: string, outcome: string, finished = true) => ({
    runId,
    name: 'accounts',
    startedAt,
    ...(finished ? { finishedAt: new Date(Date.parse(startedAt) + 5000).toISOString() } : {}),
    outcome: finished ? outcome : 'running',
    counts: { rows: 3 },
    expiresAt: 2_000_000_000,
  });
  const direct = (commandId: string, at: string, outcome: string, userId = 'usr_direct') =>
    attempt({
      commandId,
      at,
      action: 'createOrUpdateUser',
      outcome,
      origin: 'cli',
      principal: 'cli:ana',
      userId,
    });

  beforeEach(async () => {
    await trail.putIntake(intake({ requestId: 'req_web', receivedAt: '2026-12-01T10:00:00.000Z' }));
    await trail.putSyncRun(run('run_done', '2026-12-01T10:01:00.000Z', 'completed'));
    await trail.putSyncRun(run('run_capped', '2026-12-01T10:02:00.000Z', 'refused'));
    await trail.putAttempt(direct('cli-ok', '2026-12-01T10:03:00.000Z', 'delivered'));
    await trail.putAttempt(direct('cli-bad', '2026-12-01T10:04:00.000Z', 'failed', 'usr_other'));
    // A webhook's delivery is an attempt too, but not a direct call: it belongs to its webhook's row.
    await trail.putAttempt(attempt({ commandId: 'cmd_req_web', at: '2026-12-01T10:05:00.000Z' }));
  });

  const rowIds = (text: string) => [...text.matchAll(/<tr id="row-([^"]+)"/g)].map((m) => m[1]);

  it('merges the three kinds newest first, each with its badge in words', async () => {
    const { text } = await get(consoleFor().app, '/console/');
    expect(rowIds(text)).toEqual([
      'call-cli-bad',
      'call-cli-ok',
      'sync-run_capped',
      'sync-run_done',
      'req_web',
    ]);
    expect(text).toContain('<span class="badge b-refused">refused</span>');
    expect(text).toContain('<span class="badge b-completed">completed</span>');
    expect(text).toContain('<span class="badge b-failed">failed</span>');
    expect(text).toContain('direct call createOrUpdateUser');
  });

  it('filters by kind, outcome and user', async () => {
    const { app } = consoleFor();
    expect(rowIds((await get(app, '/console/?source=%40sync')).text)).toEqual([
      'sync-run_capped',
      'sync-run_done',
    ]);
    expect(rowIds((await get(app, '/console/?source=%40direct')).text)).toEqual([
      'call-cli-bad',
      'call-cli-ok',
    ]);
    expect(rowIds((await get(app, '/console/?outcome=refused')).text)).toEqual(['sync-run_capped']);
    expect(rowIds((await get(app, '/console/?outcome=failed')).text)).toEqual(['call-cli-bad']);
    expect(rowIds((await get(app, '/console/?user=usr_direct')).text)).toEqual(['call-cli-ok']);
    expect(rowIds((await get(app, '/console/?source=stripe')).text)).toEqual(['req_web']);
    expect(rowIds((await get(app, '/console/?q=capped')).text)).toEqual(['sync-run_capped']);
  });

  it('opens a sync run: outcome, counts and the calls its sync made while it ran', async () => {
    await trail.putAttempt(
      attempt({
        commandId: 'cmd_sync_1',
        at: '2026-12-01T10:02:02.000Z',
        principal: 'sync:accounts',
        origin: 'sync:accounts/users',
        action: 'add_membership',
      }),
    );
    await trail.putAttempt(
      attempt({
        commandId: 'cmd_sync_later',
        at: '2026-12-01T11:00:00.000Z',
        principal: 'sync:accounts',
        action: 'remove_membership',
      }),
    );
    const { app } = consoleFor();
    const page = await get(app, '/console/sync-runs/run_capped');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<span class="badge b-refused">refused</span>');
    expect(page.text).toMatch(/<th scope="row">rows<\/th><td class="mono">3<\/td>/);
    expect(page.text).toContain('>add_membership<');
    expect(page.text).not.toContain('>remove_membership<');
    expect((await get(app, '/console/sync-runs/nope')).status).toBe(404);
  });

  it('streams a sync run that starts after the page loaded, and again when it ends', async () => {
    const { app } = consoleFor();
    const page = await get(app, '/console/');
    const stream = /data-live="([^"]+)"/.exec(page.text)?.[1]?.replaceAll('&amp;', '&');
    const response = await app.request(stream ?? '', { headers: { host: HOST } });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    const started = new Date(Date.now() + 1000).toISOString();
    await trail.putSyncRun(run('run_live', started, 'running', false));
    await readUntil('b-running');
    await trail.putSyncRun(run('run_live', started, 'completed'));
    await readUntil('row-sync-run_live"');
    await readUntil('b-completed');
    await trail.putAttempt(direct('cli-live', new Date(Date.now() + 1000).toISOString(), 'delivered'));
    await readUntil('row-call-cli-live');
    await reader.cancel();
    expect(text.match(/id="row-sync-run_live"/g)?.length).toBe(2);
  });
});

describe('event detail', () => {
  it('shows both membership commands of a trial→paid record with their 200s', async () => {
    await putTrialConverted(trail, '2026-12-01T10:00:00.000Z');
    const { app } = consoleFor();
    const { text } = await get(app, '/console/events/evt_1SmpLTrialConvertedA01');
    for (const [kind, group] of [
      ['remove_membership', 'trial'],
      ['add_membership', 'paid'],
    ]) {
      const block = new RegExp(
        `data-command="[^"]+"><p><strong class="mono">${kind}</strong>[\\s\\S]*?${group}[\\s\\S]*?<td class="mono">200</td>`,
      );
      expect(text).toMatch(block);
    }
    expect(text).toContain('type is &quot;customer.subscription.updated&quot;, wanted');
  });

  it('escapes what senders sent', async () => {
    await trail.putIntake(
      intake({
        requestId: 'evil',
        headers: { 'x-note': '<script>alert(1)</script>' },
        body: { stored: true, size: 30, text: '{"name":"<img src=x onerror=alert(1)>"}' },
      }),
    );
    const { text } = await get(consoleFor().app, '/console/events/evil');
    expect(text).not.toContain('<script>alert');
    expect(text).not.toContain('<img src=x');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows Replay disabled without a replay function', async () => {
    await putTrialConverted(trail, '2026-12-01T10:00:00.000Z');
    const disabled = await get(consoleFor().app, '/console/events/req_trial');
    expect(disabled.text).toMatch(/<button type="submit" disabled="">Replay/);
    expect(disabled.text).toContain('it has no queue to replay onto');
  });

  describe('replay through the trail', () => {
    const sample = readFileSync(`${REPO_ROOT}samples/stripe/trial-converted.json`, 'utf8');
    const stored = (requestId: string, body: IntakeRecord['body']) =>
      intake({
        requestId,
        eventIds: ['evt_1SmpLTrialConvertedA01'],
        body,
        events: [
          {
            id: 'evt_1SmpLTrialConvertedA01',
            type: 'customer.subscription.updated',
            outcome: 'accepted',
            rules: [],
            commands: [],
          },
        ],
      });
    const replaying = () =>
      consoleFor({ replay: replayThrough({ trail, rules: () => rules, queue: queues.main }) });

    it('previews the current rules’ commands without queueing, then queues them and records the replay', async () => {
      await trail.putIntake(stored('req_stored', { stored: true, size: sample.length, text: sample }));
      const { app, csrfToken } = replaying();
      const preview = await post(app, '/console/events/req_stored/replay', { _csrf: csrfToken });
      const previewText = await preview.text();
      expect(preview.status).toBe(200);
      expect(previewText).toMatch(/would queue \d+ commands?\. Nothing is queued yet/);
      expect(previewText).toContain('add_membership');
      expect(await queues.main.browse()).toEqual([]);
      expect(await trail.findIntake('req_stored/replay-1')).toBeUndefined();

      const done = await post(app, '/console/events/req_stored/replay', {
        _csrf: csrfToken,
        event: 'evt_1SmpLTrialConvertedA01',
        confirm: '1',
      });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toMatch(
        /^\/console\/events\/req_stored%2Freplay-1\?replayed=\d+$/,
      );
      const queued = (await queues.main.browse()).map(
        (m) => JSON.parse(m.body) as { id: string; command: { type: string } },
      );
      expect(queued.map((e) => e.command.type)).toContain('add_membership');
      const record = await trail.findIntake('req_stored/replay-1');
      expect(record?.events[0]?.commands.map((c) => c.id).sort()).toEqual(queued.map((e) => e.id).sort());
      const page = await get(app, done.headers.get('location') ?? '');
      expect(page.text).toContain(`Replay queued ${queued.length} command(s)`);
      expect(page.text).toContain('>queued<');
    });

    it('refuses, with the reason, an event whose body was not stored, and queues nothing', async () => {
      await trail.putIntake(
        stored('req_digest', { stored: false, size: 90_000, sha256: 'ab'.repeat(32), reason: 'too_large' }),
      );
      const { app, csrfToken } = replaying();
      const page = await get(app, '/console/events/req_digest');
      expect(page.text).toMatch(/<button type="submit" disabled="">Replay/);
      const refused = await post(app, '/console/events/req_digest/replay', {
        _csrf: csrfToken,
        confirm: '1',
      });
      expect(refused.status).toBe(409);
      expect(await refused.text()).toContain(
        'Replay refused: the body of event evt_1SmpLTrialConvertedA01 was not stored',
      );
      expect(await queues.main.browse()).toEqual([]);
      expect(await trail.findIntake('req_digest/replay-1')).toBeUndefined();
    });

    it('refuses a replay posted from another origin or without the CSRF token', async () => {
      await trail.putIntake(stored('req_stored', { stored: true, size: sample.length, text: sample }));
      const { app, csrfToken } = replaying();
      const path = '/console/events/req_stored/replay';
      const form = { _csrf: csrfToken, confirm: '1' };
      expect((await post(app, path, form, { origin: 'http://evil.example' })).status).toBe(403);
      expect((await post(app, path, { confirm: '1' })).status).toBe(403);
      expect(await queues.main.browse()).toEqual([]);
    });
  });
});

describe('user timeline', () => {
  it("merges the user's intakes and attempts of every origin, and shows their Userflow state", async () => {
    await putTrialConverted(trail, '2026-12-01T10:00:00.000Z');
    await trail.putAttempt(
      attempt({
        commandId: 'sync1',
        userId: TRIAL_USER,
        at: '2026-12-01T12:00:00.000Z',
        origin: 'sync:accounts/users',
        action: 'upsert_user',
      }),
    );
    const { app } = consoleFor({
      userState: async () => ({ attributes: { plan: 'pro' }, groups: ['paid'] }),
    });
    const { text } = await get(app, `/console/users?id=${TRIAL_USER}`);
    expect(text.indexOf('sync:accounts/users')).toBeLessThan(text.indexOf('webhook received'));
    expect(text).toContain('Userflow add_membership');
    expect(text).toContain('&quot;pro&quot;');
    expect(text).toMatch(/<li class="mono">paid<\/li>/);
  });
});

describe('dead letters', () => {
  it('groups by reason and redrives the selected message back to the main queue', async () => {
    await putDeadLetter(queues.dlq, { commandId: 'dead1', reason: 'invalid_params' });
    await putDeadLetter(queues.dlq, { commandId: 'dead2', reason: 'invalid_params' });
    await putDeadLetter(queues.dlq, { commandId: 'dead3', reason: 'user_not_found' });
    const { app, csrfToken } = consoleFor();
    const page = await get(app, '/console/dead-letters');
    expect(page.text).toContain('invalid_params</span> · 2 messages');
    expect(page.text).toContain('user_not_found</span> · 1 message');

    const [dead1] = (await queues.dlq.browse()).filter((m) => m.body.includes('dead1'));
    const response = await post(app, '/console/dead-letters/redrive', {
      _csrf: csrfToken,
      queue: 'webhooks',
      reason: 'invalid_params',
      scope: 'selected',
      id: [dead1?.messageId ?? ''],
    });
    expect(response.status).toBe(303);
    expect((await queues.main.browse()).map((m) => JSON.parse(m.body).id)).toEqual(['dead1']);
    expect((await queues.dlq.browse()).map((m) => JSON.parse(m.body).id).sort()).toEqual(['dead2', 'dead3']);

    await post(app, '/console/dead-letters/redrive', {
      _csrf: csrfToken,
      queue: 'webhooks',
      reason: 'user_not_found',
      scope: 'reason',
    });
    expect((await queues.dlq.browse()).map((m) => JSON.parse(m.body).id)).toEqual(['dead2']);
  });
});

describe('state changes and access', () => {
  it('refuses a POST from another origin or without the CSRF token', async () => {
    await putDeadLetter(queues.dlq, { commandId: 'dead1', reason: 'invalid_params' });
    const { app, csrfToken } = consoleFor();
    const form = { queue: 'webhooks', reason: 'invalid_params', scope: 'reason' };
    expect((await post(app, '/console/dead-letters/redrive', { ...form, _csrf: csrfToken }, {})).status).toBe(
      403,
    );
    expect(
      (
        await post(
          app,
          '/console/dead-letters/redrive',
          { ...form, _csrf: csrfToken },
          { origin: 'http://evil.example' },
        )
      ).status,
    ).toBe(403);
    expect((await post(app, '/console/dead-letters/redrive', { ...form, _csrf: 'guess' })).status).toBe(403);
    expect(await queues.dlq.counts()).toEqual({ visible: 1, inFlight: 0 });
  });

  it('says after a redirect only what numbers it was given: a crafted link cannot put words on the page', async () => {
    const { app } = consoleFor();
    const crafted = await get(app, '/console/dead-letters?flash=Call+support+at+555&moved=x&queue=webhooks');
    expect(crafted.text).not.toContain('Call support');
    expect(crafted.text).not.toContain('Redrove');
    const real = await get(app, '/console/dead-letters?moved=2&of=3&queue=webhooks');
    expect(real.text).toContain('Redrove 2 of 3 selected message(s) to webhooks.');
  });

  it('answers only loopback host names without a token (no DNS rebinding)', async () => {
    const { app } = consoleFor();
    expect((await get(app, '/console/', { host: 'attacker.example:8789' })).status).toBe(403);
    expect((await get(app, '/console/', { host: 'localhost:8789' })).status).toBe(200);
  });

  it('with a token, wants it once in the URL, then keeps it in a cookie', async () => {
    const token = 'a-long-console-token-for-tests';
    const { app } = consoleFor({ token });
    expect((await get(app, '/console/', { host: '10.0.0.5:8789' })).status).toBe(401);
    const login = await get(app, `/console/status?token=${token}`, { host: '10.0.0.5:8789' });
    expect(login.status).toBe(303);
    expect(login.response.headers.get('location')).toBe('/console/status');
    const cookie = login.response.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(login.response.headers.get('set-cookie')).toContain('HttpOnly');
    expect((await get(app, '/console/', { host: '10.0.0.5:8789', cookie })).status).toBe(200);
    expect(
      (await get(app, '/console/', { host: '10.0.0.5:8789', authorization: `Bearer ${token}` })).status,
    ).toBe(200);
  });
});

describe('playground and status', () => {
  it('explains a shipped sample as rules test does', async () => {
    const { app, csrfToken } = consoleFor();
    const picked = await get(app, '/console/playground?sample=stripe/trial-converted.json');
    expect(picked.text).toContain('evt_1SmpLTrialConvertedA01');
    const payload = (await import('node:fs')).readFileSync(
      `${REPO_ROOT}samples/stripe/trial-converted.json`,
      'utf8',
    );
    const result = await (
      await post(app, '/console/playground', { _csrf: csrfToken, source: 'stripe', payload })
    ).text();
    expect(result).toContain('matched   trial-converted: 3 commands');
    expect([...result.matchAll(/data-command-type="([a-z_]+)"/g)].map((m) => m[1])).toEqual([
      'remove_membership',
      'add_membership',
      'track_event',
      'upsert_user',
    ]);
  });

  it('shows queue depth and the rule files', async () => {
    await queues.main.send([
      { groupId: 'g', dedupeId: 'd1', body: '{}' },
      { groupId: 'g', dedupeId: 'd2', body: '{}' },
    ]);
    const { text } = await get(consoleFor().app, '/console/status');
    expect(text).toMatch(
      /data-queue="webhooks"><th scope="row" class="mono">webhooks<\/th><td data-depth="true">2<\/td>/,
    );
    expect(text).toContain('stripe.yaml');
    expect(text).toContain('the local sandbox');
  });

  it("shows the budget's rate in use and the rate of its last 429", async () => {
    const status = () => ({
      target: { mode: 'sandbox' as const, url: 'http://127.0.0.1:8788' },
      rateLimitPerSecond: 20,
      budget: { ratePerSecond: 7.5, lastThrottleRate: 12.4, throttles: 2 },
    });
    const { text } = await get(consoleFor({ status }).app, '/console/status');
    expect(text).toContain('<dd data-budget-rate="true">7.5/s</dd>');
    expect(text).toContain('12/s (2 cuts)');
    const before = await get(consoleFor().app, '/console/status');
    expect(before.text).not.toContain('data-budget-rate');
  });

  it('lists the latest sync runs with their counts', async () => {
    await trail.putSyncRun({
      runId: 'run1',
      name: 'accounts',
      startedAt: '2026-12-01T10:00:00.000Z',
      finishedAt: '2026-12-01T10:00:09.000Z',
      outcome: 'refused',
      counts: { rows: 1200, deletes: 400 },
      error: 'delete cap tripped',
      expiresAt: 2_000_000_000,
    });
    const { text } = await get(consoleFor().app, '/console/status');
    expect(text).toContain('<span class="badge b-refused">refused</span>');
    expect(text).toContain('rows 1200, deletes 400');
  });
});
