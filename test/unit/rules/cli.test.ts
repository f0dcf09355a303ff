// `userflow-bridge rules check|test` as a user runs it: a real process, exit codes, stdout and stderr.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionsOf, type EventDecisions } from '../../../lib/rules/decisions.ts';
import { type CompiledSource, loadRules } from '../../../lib/rules/index.ts';
import { FIXTURES, fixture, ruleFileText } from './helpers.ts';

const ROOT = join(import.meta.dirname, '../../..');
const AT = '2025-06-01T00:00:00.000Z';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return cliWithInput(undefined, ...args);
}

/** Runs the CLI with `input` on stdin (closed at once when undefined). */
function cliWithInput(input: string | undefined, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['bin/userflow-bridge.js', 'rules', ...args],
      { cwd: ROOT },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

let dir: string;
let typoDir: string;
let namedDir: string;
const runs: Record<string, Run> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rules-cli-'));
  await writeFile(
    join(dir, 'bad.yaml'),
    ruleFileText(
      '  - name: broken\n    when: { type: x }\n    do: [{ delete_user: { user_id: "{% a( %}" } }]\n',
    ),
  );
  await writeFile(join(dir, 'array.json'), '[{"id":"evt_1"}]');
  // A misspelt key, in a source whose samples are the shipped samples/stripe (the default folder, from the cwd).
  typoDir = join(dir, 'typo');
  await mkdir(typoDir);
  await writeFile(
    join(typoDir, 'stripe.yaml'),
    ruleFileText(
      '  - name: paid\n    when:\n      typ: [invoice.paid]\n    do: [{ track_event: { user_id: u, name: paid } }]\n',
    ).replace('source: test', 'source: stripe'),
  );
  // A `samples:` folder named in the rule file, relative to it.
  namedDir = join(dir, 'named');
  await mkdir(join(namedDir, 'payloads'), { recursive: true });
  await writeFile(join(namedDir, 'payloads', 'one.json'), '{"id":"evt_1","type":"order.paid"}');
  await writeFile(
    join(namedDir, 'shop.yaml'),
    ruleFileText(
      '  - name: paid\n    when:\n      type: [order.payed]\n    do: [{ track_event: { user_id: u, name: paid } }]\n',
    )
      .replace('source: test', 'source: shop')
      .replace('verify:', 'samples: payloads\nverify:'),
  );
  const trial = 'samples/stripe/trial-converted.json';
  const jobs: Record<string, () => Promise<Run>> = {
    check: () => cli('check'),
    checkStrict: () => cli('check', '--strict'),
    checkBad: () => cli('check', '--rules', dir),
    typoStrict: () => cli('check', '--strict', '--rules', join(dir, 'typo')),
    typo: () => cli('check', '--rules', join(dir, 'typo')),
    named: () => cli('check', '--strict', '--rules', join(dir, 'named')),
    trial: () => cli('test', '--source', 'stripe', '--payload', trial, '--received-at', AT),
    batch: () =>
      cli(
        'test',
        '--source',
        'hubspot',
        '--payload',
        join(FIXTURES, 'hubspot/batch.mixed.json'),
        '--received-at',
        AT,
      ),
    portal: () =>
      cli(
        'test',
        '--source',
        'portal',
        '--payload',
        'samples/portal/profile-completed.json',
        '--header',
        'Webhook-Id: msg_42',
      ),
    unknownSource: () => cli('test', '--source', 'nope', '--payload', trial),
    stdin: () =>
      cliWithInput(
        readFileSync(join(ROOT, trial), 'utf8'),
        'test',
        '--source',
        'stripe',
        '--payload',
        '-',
        '--received-at',
        AT,
      ),
    stdinBad: () => cliWithInput('{not json', 'test', '--source', 'stripe', '--payload', '-'),
    malformed: () => cli('test', '--source', 'stripe', '--payload', join(dir, 'array.json')),
  };
  // A few at a time: each pays tsx's start-up, and a loaded machine can push a JSONata expression past its
  // 100 ms evaluation timeout when too many start together.
  const entries = Object.entries(jobs);
  for (let i = 0; i < entries.length; i += 4) {
    const wave = entries.slice(i, i + 4);
    const results = await Promise.all(wave.map(([, job]) => job()));
    wave.forEach(([name], j) => {
      runs[name] = results[j] as Run;
    });
  }
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (name: string) => runs[name] as Run;

describe('rules check', () => {
  it('prints a one-line summary of the shipped rules and exits 0', async () => {
    const set = await loadRules(join(ROOT, 'rules'));
    const total = [...set.sources.values()].reduce((sum, source) => sum + source.rules.length, 0);
    expect(run('check').code).toBe(0);
    expect(run('check').stdout).toMatch(
      new RegExp(`^OK: ${set.sources.size} sources, ${total} rules in rules \\(`),
    );
    expect(run('check').stdout.trim().split('\n')).toHaveLength(1);
  });

  it('lists every problem with file, line, rule and field, and exits 1', () => {
    const { code, stderr } = run('checkBad');
    expect(code).toBe(1);
    expect(stderr).toContain('invalid rule files: 2 problems');
    expect(stderr).toMatch(/bad\.yaml:\d+: rule "broken": when\.type: must be a list/);
    expect(stderr).toMatch(
      /bad\.yaml:\d+: rule "broken": do\[0\]\.delete_user\.user_id: JSONata syntax error/,
    );
  });
});

describe('rules check: rules that cannot fire', () => {
  it('the shipped packs pass --strict against their samples', () => {
    expect(run('checkStrict').stderr).not.toContain('warning:');
    expect(run('checkStrict').code).toBe(0);
  });

  it('a rule file with typ: fails --strict, naming file:line, rule, path and the closest sample path', () => {
    const { code, stderr, stdout } = run('typoStrict');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `warning: ${join(typoDir, 'stripe.yaml')}:11: rule "paid": when.typ: no sample payload has typ — did you mean type?`,
    );
    expect(stderr).toContain('FAILED: 1 warning (--strict)');
  });

  it('without --strict the same file passes, with the warning and a count', () => {
    expect(run('typo').code).toBe(0);
    expect(run('typo').stderr).toContain('when.typ: no sample payload has typ');
    expect(run('typo').stdout).toMatch(/^OK: 1 source, 1 rule in .*; 1 warning\n$/);
  });

  it('reads the samples: folder a rule file names, relative to the file', () => {
    const { code, stderr } = run('named');
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${join(namedDir, 'shop.yaml')}:12: rule "paid": when.type: no sample payload has "order.payed" at type (they have "order.paid") — did you mean "order.paid"?`,
    );
  });
});

describe('rules test', () => {
  it('prints each event in the trail shape: rule decisions, and commands with id, kind, user and group', async () => {
    const stripe = (await loadRules(join(ROOT, 'rules'))).get('stripe') as CompiledSource;
    const [event] = stripe.splitEvents(fixture('../../../samples', 'stripe/trial-converted.json'), {});
    const evaluation = await stripe.evaluate(event as never, new Date(AT), { explain: true });
    expect(run('trial').code).toBe(0);
    const printed = JSON.parse(run('trial').stdout) as EventDecisions[];
    expect(printed).toEqual([decisionsOf(event as never, evaluation)]);
    const [only] = printed as [EventDecisions];
    expect(only.rules).toContainEqual({ name: 'trial-converted', decision: 'matched' });
    expect(only.commands.map(({ kind, userId, groupId }) => ({ kind, userId, groupId }))).toEqual([
      { kind: 'remove_membership', userId: 'usr_7f3a2c91', groupId: 'trial' },
      { kind: 'add_membership', userId: 'usr_7f3a2c91', groupId: 'paid' },
      { kind: 'track_event', userId: 'usr_7f3a2c91', groupId: undefined },
      { kind: 'upsert_user', userId: 'usr_7f3a2c91', groupId: undefined },
    ]);
    expect(only.commands[0]?.id).toMatch(/\S/);
  });

  it('reads the payload from stdin with --payload -', () => {
    expect(run('stdin').code).toBe(0);
    expect(run('stdin').stdout).toBe(run('trial').stdout);
  });

  it('exits 2 naming stdin when it is not JSON', () => {
    expect(run('stdinBad').code).toBe(2);
    expect(run('stdinBad').stderr).toContain('--payload -: not valid JSON');
  });

  it('says on stderr which rules matched and why the others did not', () => {
    const { stderr } = run('trial');
    expect(stderr).toContain('event evt_1SmpLTrialConvertedA01 (customer.subscription.updated):');
    expect(stderr).toContain('matched   trial-converted: 3 commands');
    expect(stderr).toContain(
      'no match  checkout-completed: type is "customer.subscription.updated", wanted ["checkout.session.completed"]',
    );
  });

  it('runs every event of a batch', () => {
    const events = JSON.parse(run('batch').stdout) as EventDecisions[];
    expect(events).toHaveLength(5);
    expect(new Set(events.filter((event) => event.commands.length > 0).map((event) => event.id))).toEqual(
      new Set(['1871425602', '1871425603', '1871425604']),
    );
    expect(run('batch').stderr.match(/^event /gm)).toHaveLength(5);
  });

  it('takes headers, so a Standard Webhooks source gets its event id', () => {
    const events = JSON.parse(run('portal').stdout) as EventDecisions[];
    expect(events.map((event) => event.id)).toEqual(['msg_42']);
    expect(events[0]?.commands.map((command) => command.kind)).toEqual(['track_event']);
  });

  it('exits 2 for an unknown source, naming the known ones', () => {
    expect(run('unknownSource').code).toBe(2);
    expect(run('unknownSource').stderr).toContain(
      'unknown source "nope" (rules defines: hubspot, portal, stripe)',
    );
  });

  it('exits 1 with a malformed_event error for a body of the wrong shape', () => {
    expect(run('malformed').code).toBe(1);
    expect(JSON.parse(run('malformed').stderr)).toMatchObject({ error: { code: 'malformed_event' } });
  });
});
