// The live lines of `npm start`: a request nobody signed must not break the answer or forge terminal output.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../lib/commands/index.ts';
import type { AuditRecord } from '../../../lib/deliver/index.ts';
import { createIngestApp } from '../../../lib/ingest/index.ts';
import {
  printingAuditSink,
  webhookActivity,
  webhookLine,
  withWebhookActivity,
} from '../../../lib/local/activity.ts';
import { commandLines } from '../../../lib/local/command-lines.ts';
import { createLogger } from '../../../lib/logger.ts';
import { envSecretSource } from '../../../lib/secrets/index.ts';
import { signedRequest } from '../../helpers/signed-request.ts';
import { captureLogs, fakeQueue, type LogCapture, MemoryPersistenceLayer } from '../ingest/fakes.ts';
import { SECRETS, STRIPE_VERIFY, stripeEvent, tinyRules } from '../ingest/tiny-rules.ts';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

function printingApp() {
  const lines: string[] = [];
  const app = createIngestApp({
    rules: tinyRules,
    secrets: envSecretSource({ ...SECRETS }),
    queue: fakeQueue(),
    idempotency: new MemoryPersistenceLayer(),
    logger: createLogger({ service: 'ingest', level: 'DEBUG' }),
  });
  const fetch = withWebhookActivity(app.fetch, (line) => lines.push(line));
  return { fetch, lines };
}

// Nothing a terminal would act on: C0/C1 controls, DEL, line separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe('webhook activity lines', () => {
  it('a malformed percent escape in the path → 404 with the JSON error body, and one printed line', async () => {
    const { fetch, lines } = printingApp();
    const res = await fetch(
      new Request('http://localhost/webhooks/%E0%A4%A', { method: 'POST', body: '{}' }),
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'unknown_source', message: expect.any(String) } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('%E0%A4%A');
  });

  it('a newline in the source name cannot forge a second activity line', async () => {
    const { fetch, lines } = printingApp();
    const forged = encodeURIComponent('x\n← webhook stripe  202  queued 4 commands');
    const res = await fetch(
      new Request(`http://localhost/webhooks/${forged}`, { method: 'POST', body: '{}' }),
    );
    expect(res.status).toBe(404);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(CONTROL);
    expect(lines[0]).toContain('\\u{a}');
    expect(lines[0]?.startsWith('← webhook x\\u{a}← webhook stripe')).toBe(true);
  });

  it('names the event ids the request carried', async () => {
    const lines: string[] = [];
    const activity = webhookActivity((line) => lines.push(line));
    const app = createIngestApp({
      rules: tinyRules,
      secrets: envSecretSource({ ...SECRETS }),
      queue: fakeQueue(),
      idempotency: new MemoryPersistenceLayer(),
      logger: createLogger({ service: 'ingest', level: 'SILENT' }),
      onRequestLog: activity.onRequestLog,
    });
    const fetch = activity.wrap(app.fetch);
    const body = JSON.stringify(stripeEvent('evt_live_1'));
    const signed = signedRequest(STRIPE_VERIFY, {
      body,
      secret: SECRETS.STRIPE_WEBHOOK_SECRET,
      now: new Date(),
      url: 'http://localhost/webhooks/stripe',
    });
    const res = await fetch(new Request(signed.url, { method: 'POST', headers: signed.headers, body }));
    expect(res.status).toBe(202);
    expect(lines).toEqual([
      expect.stringMatching(/^← webhook stripe {2}202 {2}queued \d+ commands? {2}event evt_live_1$/),
    ]);
    expect(webhookLine('hubspot', 202, { accepted: 5, events: 5 }, ['1', '2', '3', '4', '5'])).toBe(
      '← webhook hubspot  202  queued 5 commands from 5 events  events 1, 2, 3 (+2 more)',
    );
  });

  it('ANSI escapes (clear screen) and bidi overrides in untrusted text are shown escaped', () => {
    const line = webhookLine('\u001b[2J\u001b[Hstripe\u202e', 401, {
      error: { code: 'bad\rcode', message: 'a\u2028b\u009b' },
    });
    expect(line).not.toMatch(CONTROL);
    expect(line).not.toContain('\u202e');
    expect(line).toContain('\\u{1b}[2J');
  });

  it('command lines escape source, rule, message id, reason and the looked-up value', () => {
    const lines = commandLines(
      [
        record({ action: 'listUsers', latencyMs: 2 }),
        record({
          messageId: 'm\n1',
          senderEventId: undefined,
          source: 'src\u001b[31m',
          rule: 'rule\r',
          outcome: 'retry',
          reason: 'boom\n→ userflow forged',
        }),
      ],
      {
        ...lookupCommand,
        user_lookup: { attribute: 'email', value: 'a@b.c\n→ userflow x', if_missing: 'skip' },
      },
    );
    for (const line of lines) expect(line).not.toMatch(CONTROL);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('\\u{1b}[31m');
    expect(lines[1]).toContain('a@b.c\\u{a}→ userflow x');
  });
});

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  at: '2026-01-15T10:00:00Z',
  messageId: 'm-1',
  source: 'hubspot',
  rule: 'contact-became-customer',
  senderEventId: '4711',
  command: 'upsert_user',
  action: 'createOrUpdateUser',
  status: 200,
  latencyMs: 40,
  attempt: 1,
  outcome: 'delivered',
  ...over,
});

const lookupCommand: Extract<Command, { type: 'upsert_user' }> = {
  type: 'upsert_user',
  user_lookup: { attribute: 'email', value: 'a@b.c', if_missing: 'fail' },
  attributes: { plan: 'pro' },
};

describe('command lines', () => {
  it('one line per command naming the event and the user, its lookups indented under it', () => {
    const lines = commandLines(
      [
        record({ action: 'listUsers', latencyMs: 12 }),
        record({ action: 'listUsers', latencyMs: 9 }),
        record({ latencyMs: 40 }),
      ],
      lookupCommand,
    );
    expect(lines).toEqual([
      '→ userflow upsert_user  delivered  event 4711 · user with email = a@b.c  (200, 40 ms)  hubspot/contact-became-customer',
      '    lookup email = a@b.c · GET /users  200, 12 ms',
      '    lookup email = a@b.c · GET /users  200, 9 ms',
    ]);
  });

  it('names the user and the group of a membership', () => {
    const [line] = commandLines([record({ command: 'add_membership' })], {
      type: 'add_membership',
      user_id: 'usr_1',
      group_id: 'paid',
    });
    expect(line).toContain('  event 4711 · user usr_1 · group paid  (200, 40 ms)');
  });

  it('a dead letter reads as what happened, with the looked-up value, and no status the command never got', () => {
    const lines = commandLines(
      [record({ action: 'listUsers', latencyMs: 12, outcome: 'dead_lettered', reason: 'lookup_not_found' })],
      lookupCommand,
    );
    expect(lines[0]).toBe(
      '→ userflow upsert_user  dead-lettered: lookup_not_found — no user with email = a@b.c  event 4711 · user with email = a@b.c  hubspot/contact-became-customer',
    );
    expect(lines[1]).toBe('    lookup email = a@b.c · GET /users  200, 12 ms');
  });

  it('a retry shows its reason and attempt', () => {
    const [line] = commandLines(
      [record({ status: 429, outcome: 'retry', reason: 'userflow_rate_limited', attempt: 3 })],
      { type: 'upsert_user', user_id: 'usr_1' },
    );
    expect(line).toContain('retry: userflow_rate_limited  event 4711 · user usr_1  (429, attempt 3, 40 ms)');
  });

  it('the printing sink keeps every record for the audit log and prints one command once', () => {
    const kept: AuditRecord[] = [];
    const printed: string[] = [];
    const sink = printingAuditSink({ write: (r) => kept.push(r) }, (line) => printed.push(line));
    sink.writeCommand?.([record({ action: 'listUsers' }), record()], lookupCommand);
    expect(kept).toHaveLength(2);
    expect(printed).toHaveLength(2);
    expect(printed[0]).toMatch(/^→ userflow upsert_user {2}delivered/);
    expect(printed[1]).toMatch(/^ {4}lookup /);
  });
});
