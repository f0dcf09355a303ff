// The pure parts of ingest's trail records: each rule's decision as `rules test` words it, the rule file's
// `trail:` settings compiled, and the body redacted before it is stored.
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../../lib/errors.ts';
import { REDACTED, trailBody } from '../../../lib/ingest/redact-body.ts';
import { ruleDecisions } from '../../../lib/ingest/rule-decisions.ts';
import { ruleDecision as decisionOf, isSkipped } from '../../../lib/rules/decisions.ts';
import { parseRuleFiles, type RuleTrace, type TrailSettings } from '../../../lib/rules/index.ts';
import { compileSource, ruleFileText } from '../rules/helpers.ts';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const settings = (redact: string[], storeBody = true): TrailSettings => ({
  redact: redact.map((path) => path.split('.')),
  storeBody,
});
function storedJson(raw: Uint8Array, s: TrailSettings): unknown {
  const body = trailBody(raw, 1024 * 1024, s);
  if (!body.stored) throw new Error(`not stored: ${body.reason}`);
  return JSON.parse(body.text);
}

describe('rule decisions', () => {
  const skipped: RuleTrace = {
    rule: 'r',
    matched: true,
    commands: 0,
    reason: 'skipped: do[0].user_id: x evaluated to nothing',
  };

  it('a rule that matched and produced nothing is skipped, with the reason rules test prints', () => {
    expect(isSkipped(skipped)).toBe(true);
    expect(decisionOf(skipped)).toEqual({
      name: 'r',
      decision: 'skipped',
      reason: 'do[0].user_id: x evaluated to nothing',
    });
  });

  it('a rule whose other commands went out is matched, keeping why an action was skipped', () => {
    const partial: RuleTrace = {
      rule: 'r',
      matched: true,
      commands: 1,
      reason: 'skipped: do[1]: no user',
      skipped: [{ action: 1, reason: 'do[1]: no user' }],
    };
    expect(isSkipped(partial)).toBe(false);
    expect(decisionOf(partial)).toEqual({
      name: 'r',
      decision: 'matched',
      reason: 'skipped: do[1]: no user',
    });
  });

  it('lists every rule of the source in file order: untraced rules did not match, disabled ones say so', () => {
    const rules = [
      { name: 'a', enabled: true },
      { name: 'r', enabled: true },
      { name: 'off', enabled: false },
    ];
    expect(ruleDecisions([skipped], rules).map((d) => [d.name, d.decision, d.reason])).toEqual([
      ['a', 'no_match', undefined],
      ['r', 'skipped', 'do[0].user_id: x evaluated to nothing'],
      ['off', 'no_match', 'disabled'],
    ]);
  });

  it('without the rule list, the traced rules alone', () => {
    expect(ruleDecisions([skipped], undefined).map((d) => d.name)).toEqual(['r']);
  });
});

describe('the trail: key of a rule file', () => {
  const rule =
    '  - name: r\n    when: { type: [x] }\n    do:\n      - track_event: { user_id: u, name: n }\n';
  const head = (trail: string) => `event:\n  id: id\n  type: type\n${trail}`;

  it('defaults to storing the whole body', () => {
    expect(compileSource(rule).trail).toEqual({ redact: [], storeBody: true });
  });

  it('compiles redact paths and store_body', () => {
    const source = compileSource(
      rule,
      head('trail:\n  redact: [data.email, "items.*.phone"]\n  store_body: false\n'),
    );
    expect(source.trail).toEqual({
      redact: [
        ['data', 'email'],
        ['items', '*', 'phone'],
      ],
      storeBody: false,
    });
  });

  it('refuses an unknown key or a malformed path, naming the field', () => {
    const text = ruleFileText(rule, head('trail:\n  redact: ["data..email"]\n  keep: true\n'));
    let problems: readonly string[] = [];
    try {
      parseRuleFiles([{ path: 'rules/test.yaml', text }]);
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems.some((p) => p.includes('trail.redact[0]'))).toBe(true);
    expect(problems.some((p) => p.includes('trail') && p.includes('keep'))).toBe(true);
  });
});

describe('the stored body', () => {
  it('replaces the named paths and keeps the rest as sent', () => {
    const raw = encode({ data: { email: 'a@b.c', plan: 'pro' }, id: 'evt_1' });
    expect(storedJson(raw, settings(['data.email', 'data.missing', 'nothing.here']))).toEqual({
      data: { email: REDACTED, plan: 'pro' },
      id: 'evt_1',
    });
  });

  it('applies the paths to each item of a batch body, and through arrays on the way', () => {
    const raw = encode([
      { contact: { emails: [{ value: 'x@y.z', primary: true }] } },
      { contact: { emails: [{ value: 'p@q.r' }] } },
    ]);
    expect(storedJson(raw, settings(['contact.emails.value']))).toEqual([
      { contact: { emails: [{ value: REDACTED, primary: true }] } },
      { contact: { emails: [{ value: REDACTED }] } },
    ]);
  });

  it('"*" matches every key', () => {
    const raw = encode({ metadata: { a: '1', b: { c: '2' } }, keep: 'k' });
    expect(storedJson(raw, settings(['metadata.*']))).toEqual({
      metadata: { a: REDACTED, b: REDACTED },
      keep: 'k',
    });
  });

  it('a body that is not JSON is not stored when paths are to be redacted: they cannot be found in it', () => {
    expect(trailBody(new TextEncoder().encode('email=a@b.c'), 1024, settings(['email']))).toMatchObject({
      stored: false,
      reason: 'disabled',
    });
    expect(trailBody(new TextEncoder().encode('email=a@b.c'), 1024, settings([]))).toMatchObject({
      stored: true,
    });
  });
});
