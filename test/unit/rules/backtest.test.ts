// `rules backtest`: a trail of 100 recorded events, written with the store, replayed through current and
// candidate rules; the report shows exactly what a rule change does, and nothing for an unchanged file.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSince } from '../../../lib/cli/backtest.ts';
import { type BacktestReport, backtest } from '../../../lib/rules/backtest.ts';
import { AttributeObserver } from '../../../lib/rules/definition-check.ts';
import { loadRules } from '../../../lib/rules/index.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import type { IntakeRecord, TrailBody } from '../../../lib/trail/types.ts';
import { startSandbox } from '../../helpers/sandbox.ts';

const ROOT = join(import.meta.dirname, '../../..');
const sample = (file: string) => JSON.parse(readFileSync(join(ROOT, 'samples/stripe', file), 'utf8'));

let dir: string;
let trail: string;
let unchanged: string;
let changed: string;

/** An intake as ingest records it: the body stored, the event and its commands (not read by backtest). */
function intake(n: number, body: unknown, overrides: Partial<IntakeRecord> = {}): IntakeRecord {
  const text = JSON.stringify(body);
  const stored: TrailBody = { stored: true, size: text.length, text };
  const id = (body as { id: string }).id;
  return {
    requestId: `req_${n}`,
    source: 'stripe',
    receivedAt: new Date(Date.now() - (200 - n) * 60_000).toISOString(),
    status: 202,
    outcome: 'accepted',
    eventIds: [id],
    headers: { 'content-type': 'application/json' },
    body: stored,
    events: [{ id, outcome: 'accepted', rules: [], commands: [] }],
    expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    ...overrides,
  };
}

/** 40 checkouts by 40 users, then 60 paid invoices, every other one for 0 (a free month). */
function records(): IntakeRecord[] {
  const checkout = sample('checkout-completed.json');
  const invoice = sample('invoice-paid.json');
  const list: IntakeRecord[] = [];
  for (let i = 0; i < 40; i += 1) {
    const object = { ...checkout.data.object, client_reference_id: `usr_${i}` };
    list.push(intake(i, { ...checkout, id: `evt_checkout_${i}`, data: { ...checkout.data, object } }));
  }
  for (let i = 0; i < 60; i += 1) {
    const object = { ...invoice.data.object, amount_paid: i % 2 === 0 ? 4900 : 0 };
    list.push(intake(40 + i, { ...invoice, id: `evt_invoice_${i}`, data: { ...invoice.data, object } }));
  }
  return list;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backtest-'));
  trail = join(dir, 'trail.db');
  const store = openSqliteTrail(trail);
  for (const record of records()) await store.putIntake(record);
  // Three that must not be replayed: a duplicate, a bad signature, and a body too large to keep.
  const extra = sample('checkout-completed.json');
  await store.putIntake(intake(100, { ...extra, id: 'evt_dup' }, { outcome: 'duplicate' }));
  await store.putIntake(
    intake(101, { ...extra, id: 'evt_forged' }, { outcome: 'bad_signature', status: 401 }),
  );
  await store.putIntake(
    intake(
      102,
      { ...extra, id: 'evt_big' },
      { body: { stored: false, size: 1, sha256: 'x', reason: 'too_large' } },
    ),
  );
  store.close();

  unchanged = join(dir, 'unchanged');
  cpSync(join(ROOT, 'rules'), unchanged, { recursive: true });
  changed = join(dir, 'changed');
  cpSync(join(ROOT, 'rules'), changed, { recursive: true });
  const file = join(changed, 'stripe.yaml');
  const text = readFileSync(file, 'utf8');
  const renamed = text.replace('name: checkout_completed', 'name: checkout_finished');
  const narrowed = renamed.replace(
    'when:\n      type: [invoice.paid]\n',
    'when:\n      type: [invoice.paid]\n      data:\n        object:\n          amount_paid: [{ numeric: [">", 0] }]\n',
  );
  expect(narrowed).not.toBe(renamed);
  expect(renamed).not.toBe(text);
  writeFileSync(file, narrowed);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function report(candidate: string): Promise<BacktestReport> {
  const store = openSqliteTrail(trail);
  try {
    const intakes = await store.listIntakes({ since: new Date(Date.now() - 86_400_000), limit: 1000 });
    return await backtest({
      intakes,
      current: await loadRules(unchanged),
      candidate: await loadRules(candidate),
    });
  } finally {
    store.close();
  }
}

describe('backtest', () => {
  it('shows no difference for an unchanged rule file, and says what it skipped', async () => {
    const result = await report(unchanged);
    expect(result).toMatchObject({ requests: 100, events: 100, rules: [], changed: false });
    expect(result.skipped).toEqual({
      'outcome duplicate': 1,
      'outcome bad_signature': 1,
      'body not stored (too_large)': 1,
    });
  });

  it('shows exactly the diff of a rule change, per rule', async () => {
    const result = await report(changed);
    expect(result.changed).toBe(true);
    expect(
      result.rules.map(({ rule, matched, added, removed, changed: c }) => ({
        rule,
        matched,
        counts: [added.count, removed.count, c.count],
      })),
    ).toEqual([
      { rule: 'checkout-completed', matched: { before: 40, after: 40 }, counts: [0, 0, 40] },
      { rule: 'invoice-paid', matched: { before: 60, after: 30 }, counts: [0, 30, 0] },
    ]);
    const [checkout, invoice] = result.rules as [BacktestReport['rules'][0], BacktestReport['rules'][0]];
    expect(checkout.changed.examples).toHaveLength(5);
    const [first] = checkout.changed.examples;
    expect(first?.fields).toEqual(['name']);
    expect(first?.before).toMatchObject({ kind: 'track_event', userId: 'usr_0', eventId: 'evt_checkout_0' });
    expect(first?.after.command).toMatchObject({ name: 'checkout_finished' });
    expect(invoice.removed.examples.map((command) => command.eventId)).toEqual([
      'evt_invoice_1',
      'evt_invoice_3',
      'evt_invoice_5',
      'evt_invoice_7',
      'evt_invoice_9',
    ]);
    expect(invoice.removed.examples[0]).toMatchObject({ kind: 'upsert_user', userId: 'usr_7f3a2c91' });
  });
});

describe('backtest with --check-definitions', () => {
  it('shows every candidate command to the observer, so types can be checked against Userflow', async () => {
    const store = openSqliteTrail(trail);
    const intakes = await store.listIntakes({ since: new Date(Date.now() - 86_400_000), limit: 1000 });
    store.close();
    const observer = new AttributeObserver();
    await backtest({
      intakes,
      current: await loadRules(unchanged),
      candidate: await loadRules(changed),
      observe: (command, rule, eventId) => observer.observe(command, rule, eventId),
    });
    const mismatches = observer.mismatches([{ scope: 'event', name: 'amount_total', data_type: 'string' }]);
    expect(mismatches).toMatchObject([
      { scope: 'event', name: 'amount_total', defined: 'string', sent: 'number', count: 40 },
    ]);
  });
});

describe('rules backtest (CLI)', () => {
  const cli = (args: string[], env: Record<string, string> = { USERFLOW_API_KEY: '' }) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['bin/userflow-bridge.js', 'rules', 'backtest', '--trail', trail, '--current', unchanged, ...args],
        { cwd: ROOT, env: { ...process.env, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('--expect-no-change passes for the unchanged file and fails for the change, which it prints', async () => {
    const same = await cli(['--rules', unchanged, '--expect-no-change']);
    expect(same.stdout).toContain('no change');
    expect(same.code).toBe(0);
    const diff = await cli(['--rules', changed, '--expect-no-change']);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('rule stripe/checkout-completed: matched 40 → 40, 40 changed');
    expect(diff.stdout).toContain(
      '~ track_event user usr_0 (event evt_checkout_0) name: "checkout_completed" → "checkout_finished"',
    );
    expect(diff.stdout).toContain('rule stripe/invoice-paid: matched 60 → 30, 30 removed');
    expect(diff.stdout).toContain('2 rules changed');
  }, 60_000);

  it('--json prints the report, and --source narrows it', async () => {
    const other = await cli(['--rules', changed, '--json', '--source', 'hubspot']);
    expect(JSON.parse(other.stdout)).toMatchObject({ requests: 0, changed: false });
  }, 60_000);

  it('--check-definitions without an API key is a usage error', async () => {
    const run = await cli(['--rules', changed, '--check-definitions']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--check-definitions: USERFLOW_API_KEY is not set');
  }, 60_000);

  it('--check-definitions reads the definitions from Userflow (the sandbox) and warns on a type change', async () => {
    const sandbox = await startSandbox({
      seed: { attribute_definitions: [{ name: 'amount_total', scope: 'event', data_type: 'string' }] },
    });
    try {
      const env = { USERFLOW_API_KEY: sandbox.apiKey, USERFLOW_API_URL: sandbox.url };
      const run = await cli(
        ['--rules', unchanged, '--check-definitions', '--expect-no-change', '--json'],
        env,
      );
      expect(run.stderr).toContain(
        'warning: event attribute amount_total: Userflow has string, the candidate rules send number (40×',
      );
      expect(JSON.parse(run.stdout)).toMatchObject({ changed: false, definitionMismatches: [{ count: 40 }] });
      expect(run.code).toBe(1);
    } finally {
      await sandbox.close();
    }
  }, 60_000);
});

describe('--since', () => {
  it('takes minutes, hours and days, and refuses anything else', () => {
    const now = new Date('2026-01-08T00:00:00Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2026-01-07T12:00:00.000Z');
    expect(() => parseSince('7 days', now)).toThrow(/expected a duration/);
  });
});
