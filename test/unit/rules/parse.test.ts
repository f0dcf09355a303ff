// Loading rule files: every problem of every file at once, each naming file, line, rule and field.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors.ts';
import { loadRules, parseRuleFiles } from '../../../lib/rules/index.ts';
import { fileProblems, ruleFileText } from './helpers.ts';

const okRule = '  - name: ok\n    when: { type: [a] }\n    do: [{ delete_user: { user_id: u } }]\n';

describe('parseRuleFiles', () => {
  it('compiles a valid file into a source with its verify config and rules', () => {
    const set = parseRuleFiles([{ path: 'rules/test.yaml', text: ruleFileText(okRule) }]);
    const source = set.get('test');
    expect(source?.file).toBe('rules/test.yaml');
    expect(source?.verify).toEqual({ scheme: 'stripe', secrets: ['TEST_SECRET'], tolerance_seconds: 300 });
    expect(source?.rules).toEqual([{ name: 'ok', enabled: true }]);
    expect([...set.sources.keys()]).toEqual(['test']);
    expect(set.get('nope')).toBeUndefined();
  });

  it('throws a ConfigError that lists every problem of the file at once', () => {
    const text = ruleFileText(`  - name: bad-pattern
    when: { type: invoice.paid }
    do: [{ delete_user: { user_id: u } }]
  - name: bad-jsonata
    when: {}
    do:
      - delete_user: { user_id: "{% a.( %}" }
  - name: bad-action
    when: {}
    do:
      - send_email: { to: x }
  - name: bad-field
    when: {}
    do:
      - remove_membership: { user_id: u }
`);
    let error: unknown;
    try {
      parseRuleFiles([{ path: 'rules/test.yaml', text }]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    // In file order, whichever check found them.
    expect(problems[0]).toMatch(/^rules\/test\.yaml:\d+: rule "bad-pattern": when\.type: must be a list/);
    expect(problems[1]).toMatch(
      /^rules\/test\.yaml:\d+: rule "bad-jsonata": do\[0\]\.delete_user\.user_id: JSONata syntax error/,
    );
    expect(problems[2]).toMatch(
      /^rules\/test\.yaml:\d+: rule "bad-action": do\[0\]: unknown action "send_email"/,
    );
    expect(problems[3]).toMatch(
      /^rules\/test\.yaml:\d+: rule "bad-field": do\[0\]\.remove_membership\.group_id: /,
    );
    expect((error as ConfigError).message).toContain('invalid rule files: 4 problems');
  });

  it('points at the line of the offending field', () => {
    const text = ruleFileText(
      '  - name: r\n    when: {}\n    do:\n      - delete_user:\n          user_id: 5.5.5\n          extra: 1\n',
    );
    const [problem] = fileProblems(text);
    const line = text.split('\n').findIndex((row) => row.includes('extra: 1')) + 1;
    expect(problem).toMatch(
      new RegExp(`^rules/test.yaml:(${line - 1}|${line}): rule "r": do\\[0\\]\\.delete_user`),
    );
  });

  it.each([
    ['a YAML syntax error', 'source: [unclosed\n', /^rules\/test\.yaml:\d+:\d+: YAML: /],
    ['a duplicate YAML key', `${ruleFileText(okRule)}source: again\n`, /YAML: Map keys must be unique/],
    ['an empty file', '', /^rules\/test\.yaml: \(file\): the file is empty/],
    [
      'a bad source name',
      ruleFileText(okRule).replace('source: test', 'source: Test_1'),
      /: source: lower-case letters/,
    ],
    [
      'an unknown verify scheme',
      ruleFileText(okRule).replace('scheme: stripe', 'scheme: md5'),
      /: verify\.scheme: /,
    ],
    [
      'a bad secret name',
      ruleFileText(okRule).replace('TEST_SECRET', 'test-secret'),
      /: verify\.secrets\[0\]: secret names are UPPER_SNAKE_CASE/,
    ],
    [
      'an unknown top-level key',
      `${ruleFileText(okRule)}extra: 1\n`,
      /: \(file\): Unrecognized key: "extra"/,
    ],
    [
      'no rules',
      'source: test\nverify: { scheme: stripe, secrets: [S] }\nevent: { id: id }\nrules: []\n',
      /: rules: /,
    ],
    [
      'a batch with a header id',
      ruleFileText(okRule, 'event:\n  batch: true\n  id: { header: x-id }\n'),
      /: event\.id: a batch needs a per-item id path/,
    ],
    [
      'order_by without a batch',
      ruleFileText(okRule, 'event:\n  id: id\n  order_by: at\n'),
      /: event\.order_by: order_by only applies to a batch/,
    ],
    [
      'a bad header name',
      ruleFileText(okRule, 'event:\n  id: { header: "x id" }\n'),
      /: event\.id\.header: an HTTP header name/,
    ],
    [
      'a duplicate rule name',
      ruleFileText(okRule + okRule),
      /: rule "ok": name: duplicate rule name \(also rules\[0\]\)/,
    ],
    [
      'a bad rule name',
      ruleFileText(okRule.replace('name: ok', 'name: "a b"')),
      /: rule "a b": name: letters, digits/,
    ],
    ['a rule without actions', ruleFileText('  - name: r\n    when: {}\n    do: []\n'), /: rule "r": do: /],
    [
      'a rule without when',
      ruleFileText('  - name: r\n    do: [{ delete_user: { user_id: u } }]\n'),
      /: rule "r": when: /,
    ],
    [
      'an action with two keys',
      ruleFileText(
        '  - name: r\n    when: {}\n    do: [{ delete_user: { user_id: u }, delete_group: { group_id: g } }]\n',
      ),
      /: rule "r": do\[0\]: an action is an object with one key/,
    ],
    [
      'a user-less action',
      ruleFileText('  - name: r\n    when: {}\n    do: [{ delete_user: {} }]\n'),
      /: rule "r": do\[0\]\.delete_user: give user_id, user_lookup, or both/,
    ],
    [
      'a change with two operations',
      ruleFileText(
        '  - name: r\n    when: {}\n    do: [{ upsert_user: { user_id: u, attributes: { n: { add: 1, set: 2 } } } }]\n',
      ),
      /do\[0\]\.upsert_user\.attributes/,
    ],
    [
      'a literal string as attributes',
      ruleFileText(
        '  - name: r\n    when: {}\n    do: [{ upsert_user: { user_id: u, attributes: plan } }]\n',
      ),
      /do\[0\]\.upsert_user\.attributes: /,
    ],
    [
      'JSONata that is not the whole value',
      ruleFileText('  - name: r\n    when: {}\n    do: [{ delete_user: { user_id: "id-{% a %}" } }]\n'),
      /do\[0\]\.delete_user\.user_id: a JSONata expression must be the whole value/,
    ],
    [
      'an empty JSONata expression',
      ruleFileText('  - name: r\n    when: {}\n    do: [{ delete_user: { user_id: "{%  %}" } }]\n'),
      /do\[0\]\.delete_user\.user_id: empty JSONata expression/,
    ],
  ])('reports %s', (_name, text, expected) => {
    const problems = fileProblems(text);
    expect(
      problems.some((problem) => expected.test(problem)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('reports a source defined in two files, naming both', () => {
    expect(() =>
      parseRuleFiles([
        { path: 'rules/a.yaml', text: ruleFileText(okRule) },
        { path: 'rules/b.yaml', text: ruleFileText(okRule) },
      ]),
    ).toThrow(/rules\/b\.yaml: source "test" is already defined in rules\/a\.yaml/);
  });

  it('collects the problems of every file, not just the first bad one', () => {
    const bad = ruleFileText(okRule.replace('[a]', 'a'));
    try {
      parseRuleFiles([
        { path: 'rules/a.yaml', text: bad },
        { path: 'rules/b.yaml', text: bad.replace('source: test', 'source: other') },
      ]);
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((problem) => problem.split(':')[0])).toEqual([
        'rules/a.yaml',
        'rules/b.yaml',
      ]);
    }
  });

  it('accepts YAML anchors and aliases for repeated values', () => {
    const set = parseRuleFiles([
      {
        path: 'rules/test.yaml',
        text: ruleFileText(`  - name: a
    when: {}
    do:
      - delete_user: { user_id: &uid "{% uid %}" }
      - delete_user: { user_id: *uid }
`),
      },
    ]);
    expect(set.get('test')?.rules).toHaveLength(1);
  });
});

describe('rules/README.md', () => {
  const text = readFileSync(join(import.meta.dirname, '../../../rules/README.md'), 'utf8');
  const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] as string);

  it('has examples, and each one is a rule file that compiles', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const [index, block] of blocks.entries()) {
      expect(fileProblems(block, `README block ${index}`)).toEqual([]);
    }
  });
});

describe('loadRules', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rules-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every .yaml and .yml file and ignores the rest', async () => {
    await writeFile(join(dir, 'a.yaml'), ruleFileText(okRule));
    await writeFile(join(dir, 'b.yml'), ruleFileText(okRule).replace('source: test', 'source: other'));
    await writeFile(join(dir, 'schema.json'), '{}');
    await writeFile(join(dir, 'notes.txt'), 'not yaml');
    const set = await loadRules(dir);
    expect([...set.sources.keys()].sort()).toEqual(['other', 'test']);
    expect(set.get('other')?.file).toBe(join(dir, 'b.yml'));
  });

  it('fails with a ConfigError for a missing directory or one without rule files', async () => {
    await expect(loadRules(join(dir, 'missing'))).rejects.toThrow(/cannot read the rules directory/);
    await expect(loadRules(dir)).rejects.toBeInstanceOf(ConfigError);
  });

  it('names the file in each problem', async () => {
    await writeFile(join(dir, 'bad.yaml'), ruleFileText(okRule.replace('[a]', 'a')));
    await expect(loadRules(dir)).rejects.toThrow(join(dir, 'bad.yaml'));
  });
});
