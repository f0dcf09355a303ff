// `userflow-bridge events …` in-process against a real SQLite trail and queue file, filled as ingest and
// delivery fill them: what an operator sees, and what replay puts on the queue.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../lib/cli/main.ts';
import { commandId, replayCommandId } from '../../../lib/commands/command-id.ts';
import { LOCAL_QUEUE_SETTINGS, localLayout, QUEUE_NAMES } from '../../../lib/local/layout.ts';
import { openSqliteQueues } from '../../../lib/queue/sqlite/sqlite-queue.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import type { TrailStore } from '../../../lib/trail/store.ts';
import { attempt, intake } from './trail-contract.ts';

const root = mkdtempSync(join(tmpdir(), 'events-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RULES = `
source: billing
verify:
  scheme: standard-webhooks
  secrets: [BILLING_WEBHOOK_SECRET]
event:
  id: { header: webhook-id }
  type: type
rules:
  - name: plan-changed
    when:
      type: [plan.changed]
    do:
      - upsert_user:
          user_id: "{% data.user_id %}"
          attributes:
            plan: "{% data.plan %}"
  - name: seat-added
    when:
      type: [seat.added]
    do:
      - track_event:
          user_id: "{% data.user_id %}"
          name: seat_added
`;

const BODY = JSON.stringify({ type: 'plan.changed', data: { user_id: 'ada', plan: 'team' } });
/** What ingest would have queued for the accepted request: the same deterministic id. */
const ORIGINAL_COMMAND = commandId('billing', 'msg_accepted', 'plan-changed', 0);

let n = 0;
let localDir: string;
let rulesDir: string;
let store: TrailStore;

beforeEach(async () => {
  localDir = join(root, `local${++n}`);
  rulesDir = join(root, `rules${n}`);
  mkdirSync(rulesDir, { recursive: true });
  writeFileSync(join(rulesDir, 'billing.yaml'), RULES);
  store = openSqliteTrail(localLayout(localDir).trailDb);
  await fill(store);
});

afterEach(() => {
  store.close();
  vi.restoreAllMocks();
  // failWith sets it, as a real process would exit with it; the next in-process run must start clean.
  process.exitCode = undefined;
});

async function fill(trail: TrailStore): Promise<void> {
  await trail.putIntake(
    intake({
      requestId: 'req_accepted',
      source: 'billing',
      receivedAt: '2026-12-01T10:00:00.000Z',
      eventIds: ['msg_accepted'],
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_accepted' },
      body: { stored: true, size: BODY.length, text: BODY },
      events: [
        {
          id: 'msg_accepted',
          type: 'plan.changed',
          outcome: 'accepted',
          rules: [
            { name: 'plan-changed', decision: 'matched' },
            { name: 'seat-added', decision: 'skipped', reason: 'skipped: user_id has no value' },
          ],
          commands: [{ id: ORIGINAL_COMMAND, kind: 'upsert_user', userId: 'ada' }],
        },
      ],
    }),
  );
  await trail.putAttempt(
    attempt({
      commandId: ORIGINAL_COMMAND,
      at: '2026-12-01T10:00:01.000Z',
      attempt: 1,
      status: 503,
      outcome: 'retry',
      reason: 'userflow_unavailable',
      userId: 'ada',
    }),
  );
  await trail.putAttempt(
    attempt({ commandId: ORIGINAL_COMMAND, at: '2026-12-01T10:00:05.000Z', attempt: 2, userId: 'ada' }),
  );
  await trail.putIntake(
    intake({
      requestId: 'req_bad',
      source: 'billing',
      receivedAt: '2026-12-01T11:00:00.000Z',
      status: 401,
      outcome: 'bad_signature',
      errorCode: 'bad_signature',
      eventIds: [],
      headers: { 'content-type': 'application/json' },
      body: { stored: true, size: BODY.length, text: BODY },
      events: [],
    }),
  );
  await trail.putIntake(
    intake({
      requestId: 'req_big',
      source: 'stripe',
      receivedAt: '2026-12-01T12:00:00.000Z',
      eventIds: ['evt_big'],
      body: { stored: false, size: 300_000, sha256: 'ab'.repeat(32), reason: 'too_large' },
      events: [
        {
          id: 'evt_big',
          type: 'customer.updated',
          outcome: 'accepted',
          rules: [{ name: 'upsert', decision: 'matched' }],
          commands: [{ id: 'cmd_big', kind: 'upsert_user', userId: 'grace', groupId: 'acme' }],
        },
      ],
    }),
  );
}

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await main([...args, '--local-dir', localDir]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
}

function queuedOnWebhooks(): Promise<{ id: string; command: { type: string; user_id?: string } }[]> {
  const queues = openSqliteQueues({
    path: localLayout(localDir).queueDb,
    mainName: QUEUE_NAMES.webhooks,
    dlqName: QUEUE_NAMES.webhooksDlq,
    ...LOCAL_QUEUE_SETTINGS,
  });
  return queues.main
    .browse()
    .then((messages) => messages.map((m) => JSON.parse(m.body)))
    .finally(() => queues.close());
}

describe('events list', () => {
  it('lists requests newest first as one JSON array', async () => {
    const result = await run('events', 'list', '--json');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const list = JSON.parse(result.stdout) as { requestId: string; outcome: string; userIds: string[] }[];
    expect(list.map((r) => [r.requestId, r.outcome])).toEqual([
      ['req_big', 'accepted'],
      ['req_bad', 'bad_signature'],
      ['req_accepted', 'accepted'],
    ]);
    expect(list[0]?.userIds).toEqual(['grace']);
    expect(JSON.stringify(list)).not.toContain('plan.changed","data'); // bodies are for `show`
  });

  it.each([
    ['--source', ['--source', 'stripe'], ['req_big']],
    ['--user', ['--user', 'ada'], ['req_accepted']],
    ['--group', ['--group', 'acme'], ['req_big']],
    ['--outcome', ['--outcome', 'bad_signature'], ['req_bad']],
    ['--since a date', ['--since', '2026-12-01T10:30:00Z'], ['req_big', 'req_bad']],
    ['--limit', ['--limit', '1'], ['req_big']],
  ])('filters by %s', async (_label, flags, expected) => {
    const result = await run('events', 'list', ...flags, '--json');
    expect((JSON.parse(result.stdout) as { requestId: string }[]).map((r) => r.requestId)).toEqual(expected);
  });

  it('prints one row per event with time, source, event id, type, outcome, commands and users', async () => {
    const result = await run('events', 'list');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+SOURCE\s+EVENT\s+TYPE\s+OUTCOME\s+COMMANDS\s+USERS$/);
    expect(lines[1]).toMatch(
      /2026-12-01T12:00:00.000Z\s+stripe\s+evt_big\s+customer.updated\s+accepted\s+1\s+grace/,
    );
    expect(lines[2]).toMatch(/billing\s+-\s+-\s+bad_signature\s+0\s+-/);
    expect(lines[3]).toMatch(/msg_accepted\s+plan.changed\s+accepted\s+1\s+ada/);
  });

  it.each([
    [['list', '--since', 'yesterday'], '--since "yesterday"'],
    [['list', '--limit', '0'], '--limit must be'],
    [['list', '--limit', '5000'], '--limit must be'],
    [['tail', '--interval', 'soon'], '--interval must be'],
  ])('refuses events %j with exit 2, naming the flag', async (args, message) => {
    const result = await run('events', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('reads the trail --trail names instead of the local one', async () => {
    const other = openSqliteTrail(join(root, `other${n}.db`));
    await other.putIntake(intake({ requestId: 'req_elsewhere' }));
    other.close();
    const result = await run('events', 'list', '--trail', join(root, `other${n}.db`), '--json');
    expect(JSON.parse(result.stdout).map((r: { requestId: string }) => r.requestId)).toEqual([
      'req_elsewhere',
    ]);
  });

  it('refuses a --trail that is not dynamodb://<table name> with exit 2', async () => {
    const result = await run('events', 'list', '--trail', 'dynamodb://x');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"dynamodb://x" is not dynamodb://<table name>');
  });

  it('names a local trail that is not there, exit 2, without creating it', async () => {
    localDir = join(root, 'nowhere');
    const result = await run('events', 'list');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(root, 'nowhere', 'trail.db'));
  });
});

describe('events show', () => {
  it('tells the whole story: headers, body, each rule and why, each command and attempt, the end', async () => {
    const result = await run('events', 'show', 'msg_accepted');
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toContain('request req_accepted  billing  202 accepted');
    expect(text).toContain('  webhook-id: msg_accepted');
    expect(text).toContain(`  ${BODY}`);
    expect(text).toContain('  rule seat-added  skipped  skipped: user_id has no value');
    expect(text).toContain(`  command ${ORIGINAL_COMMAND}  upsert_user  user ada  → delivered`);
    expect(text).toMatch(/attempt 1 .*upsert_user {2}retry {2}\(503, 12 ms, userflow_unavailable\)/);
    expect(text).toMatch(/attempt 2 .*delivered/);
    expect(text).toContain('final: 1 delivered');
  });

  it('prints { intake, events } with each command outcome from its last attempt, or queued', async () => {
    const result = await run('events', 'show', ORIGINAL_COMMAND, '--json');
    const story = JSON.parse(result.stdout);
    expect(story.intake).toMatchObject({
      requestId: 'req_accepted',
      headers: { 'webhook-id': 'msg_accepted' },
    });
    expect(story.intake.events).toBeUndefined();
    expect(story.events).toEqual([
      {
        id: 'msg_accepted',
        type: 'plan.changed',
        outcome: 'accepted',
        rules: [
          { name: 'plan-changed', decision: 'matched' },
          { name: 'seat-added', decision: 'skipped', reason: 'skipped: user_id has no value' },
        ],
        commands: [
          expect.objectContaining({
            id: ORIGINAL_COMMAND,
            kind: 'upsert_user',
            userId: 'ada',
            outcome: 'delivered',
          }),
        ],
      },
    ]);
    expect(story.events[0].commands[0].attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
      'retry',
      'delivered',
    ]);
    const untried = JSON.parse((await run('events', 'show', 'req_big', '--json')).stdout);
    expect(untried.events[0].commands[0]).toMatchObject({
      id: 'cmd_big',
      groupId: 'acme',
      outcome: 'queued',
    });
  });

  it('escapes what came over the wire before printing it', async () => {
    await store.putIntake(
      intake({ requestId: 'req_evil', headers: { 'x-note': 'ok\u001b[2Jgone\nfake line' } }),
    );
    const result = await run('events', 'show', 'req_evil');
    expect(result.stdout).toContain('x-note: ok\\u{1b}[2Jgone\\u{a}fake line');
    expect(result.stdout).not.toContain('\u001b');
  });

  it('tells a command no webhook produced (a sync’s) from its attempts alone', async () => {
    await store.putAttempt(
      attempt({ commandId: 'cmd_sync', userId: 'ada', origin: 'sync:accounts/upsert', outcome: 'delivered' }),
    );
    const text = await run('events', 'show', 'cmd_sync');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('no webhook request: a command from sync:accounts/upsert');
    expect(text.stdout).toContain('command cmd_sync  upsert_user  user ada  → delivered');
    const json = JSON.parse((await run('events', 'show', 'cmd_sync', '--json')).stdout);
    expect(json).toMatchObject({
      intake: null,
      events: [],
      commands: [{ id: 'cmd_sync', outcome: 'delivered' }],
    });
  });

  it('exits 1 with one plain line when nothing has that id (a JSON error with --json)', async () => {
    const plain = await run('events', 'show', 'evt_never');
    expect(plain).toMatchObject({ code: 1, stdout: '' });
    expect(plain.stderr).toBe('error: nothing in the trail has the id evt_never\n');
    const json = await run('events', 'show', 'evt_never', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'trail_not_found' } });
  });
});

describe('events tail', () => {
  it('prints records written after it started and stops cleanly on Ctrl-C', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const once = vi.spyOn(process, 'once');
    const tail = main(['events', 'tail', '--interval', '20', '--local-dir', localDir]);
    // The handler is installed just before the first poll, which learns what is already there.
    await vi.waitFor(() => expect(once.mock.calls.some(([event]) => event === 'SIGINT')).toBe(true));
    const now = new Date().toISOString();
    await store.putIntake(intake({ requestId: 'req_live', source: 'portal', receivedAt: now }));
    await store.putAttempt(
      attempt({ commandId: 'cmd_live', at: now, userId: 'linus', outcome: 'delivered' }),
    );
    await vi.waitFor(() => expect(out.join('')).toContain('cmd_live'));
    const ctrlC = once.mock.calls.find(([event]) => event === 'SIGINT')?.[1] as () => void;
    ctrlC();
    expect(await tail).toBe(0);
    const printed = out.join('');
    expect(printed).toMatch(/← portal {2}202 accepted {2}evt_req_live {2}1 command {2}\(req_live\)/);
    expect(printed).toMatch(/→ upsert_user {2}delivered .* linus {2}cmd_live/);
    // What was there before it started is not news.
    expect(printed).not.toContain('req_accepted');
    expect(process.listeners('SIGINT')).not.toContain(ctrlC);
  });
});

describe('events replay', () => {
  it('--dry-run prints the current rules’ commands with new ids and queues nothing', async () => {
    const result = await run('events', 'replay', 'msg_accepted', '--dry-run', '--rules', rulesDir);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const replayId = replayCommandId(ORIGINAL_COMMAND, 1);
    expect(replayId).not.toBe(ORIGINAL_COMMAND);
    expect(result.stdout).toContain(`command ${replayId}  upsert_user`);
    expect(result.stdout).toContain('"plan":"team"');
    expect(result.stdout).toContain('dry run: nothing queued');
    const json = JSON.parse(
      (await run('events', 'replay', 'req_accepted', '--dry-run', '--json', '--rules', rulesDir)).stdout,
    );
    expect(json).toMatchObject({ replay: 1, eventId: 'msg_accepted', queued: false });
    expect(json.commands.map((c: { id: string }) => c.id)).toEqual([replayId]);
    expect(await queuedOnWebhooks()).toEqual([]);
    expect(await store.findIntake('req_accepted/replay-1')).toBeUndefined();
  });

  it('queues on the local webhook queue, and a second replay gets different ids', async () => {
    const first = await run('events', 'replay', 'msg_accepted', '--rules', rulesDir);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const second = await run('events', 'replay', 'msg_accepted', '--rules', rulesDir);
    expect(second.code).toBe(0);
    const queued = await queuedOnWebhooks();
    expect(queued.map((e) => e.id)).toEqual([
      replayCommandId(ORIGINAL_COMMAND, 1),
      replayCommandId(ORIGINAL_COMMAND, 2),
    ]);
    expect(queued[0]?.command).toMatchObject({ type: 'upsert_user', user_id: 'ada' });
    // Each replay is in the trail, so its commands' attempts have a story too.
    const replays = JSON.parse((await run('events', 'list', '--outcome', 'replayed', '--json')).stdout);
    expect(replays.map((r: { requestId: string }) => r.requestId)).toEqual([
      'req_accepted/replay-2',
      'req_accepted/replay-1',
    ]);
    const story = JSON.parse(
      (await run('events', 'show', replayCommandId(ORIGINAL_COMMAND, 2), '--json')).stdout,
    );
    expect(story.events[0].commands[0]).toMatchObject({ outcome: 'queued' });
  });

  it('runs the current rules, not the ones the event first met', async () => {
    writeFileSync(
      join(rulesDir, 'billing.yaml'),
      RULES.replace('plan: "{% data.plan %}"', 'tier: "{% data.plan %}"'),
    );
    await run('events', 'replay', 'msg_accepted', '--rules', rulesDir);
    const [replayed] = await queuedOnWebhooks();
    expect(replayed?.command).toMatchObject({ attributes: { tier: 'team' } });
  });

  it('is refused, exit 1, when the body was not stored, and queues nothing', async () => {
    writeFileSync(join(rulesDir, 'stripe.yaml'), RULES.replace('source: billing', 'source: stripe'));
    const result = await run('events', 'replay', 'evt_big', '--rules', rulesDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: replay refused: the body of event evt_big was not stored \(300000 bytes/,
    );
    expect(await queuedOnWebhooks()).toEqual([]);
  });

  it('is refused for a request that was never verified (its body is not a sender’s)', async () => {
    const result = await run('events', 'replay', 'req_bad', '--rules', rulesDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('only verified events can be replayed');
  });

  it('exits 1 when nothing has that id', async () => {
    const result = await run('events', 'replay', 'evt_never', '--rules', rulesDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nothing in the trail has the id evt_never');
  });
});

describe('help', () => {
  it.each([
    ['events'],
    ['events', 'list'],
    ['events', 'show'],
    ['events', 'tail'],
    ['events', 'replay'],
    ['dlq', 'show'],
  ])('%s %s --help exits 0 with examples', async (...command) => {
    const result = await run(...command, '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:\n  userflow-bridge ');
  });
});
