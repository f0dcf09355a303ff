// `rules check` warnings: rules that cannot fire against a source's sample payloads, named by file:line, rule, path.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUnreachable, formatWarning } from '../../../lib/rules/check/reachability.ts';
import { readSamples } from '../../../lib/rules/check/samples.ts';
import { loadRules } from '../../../lib/rules/index.ts';
import { ruleFileText } from './helpers.ts';

const invoice = {
  id: 'evt_1',
  type: 'invoice.paid',
  data: { object: { status: 'paid', lines: [{ amount: 5 }] } },
};

function warningsFor(rules: string, payloads: unknown[] = [invoice]): string[] {
  const text = ruleFileText(rules);
  return findUnreachable({ file: 'rules/test.yaml', text, payloads }).map(formatWarning);
}

const rule = (when: string) =>
  `  - name: r\n    when:\n${when}\n    do: [{ track_event: { user_id: u, name: n } }]\n`;

describe('findUnreachable', () => {
  it('names file:line, rule and path of a misspelt key, with the closest sample path', () => {
    const [warning, ...rest] = warningsFor(rule('      typ: [invoice.paid]'));
    expect(rest).toEqual([]);
    expect(warning).toBe(
      'rules/test.yaml:11: rule "r": when.typ: no sample payload has typ — did you mean type?',
    );
  });

  it('finds a misspelt nested key and suggests the nested path', () => {
    const warnings = warningsFor(rule('      data:\n        object:\n          stauts: [paid]'));
    expect(warnings).toEqual([
      'rules/test.yaml:13: rule "r": when.data.object.stauts: no sample payload has data.object.stauts — did you mean data.object.status?',
    ]);
  });

  it('warns about a flat dotted key even without samples, and says how to nest it', () => {
    const [warning] = warningsFor(rule('      data.object.status: [paid]'), []);
    expect(warning).toContain('when.data.object.status: "data.object.status" is one key with dots in it');
    expect(warning).toContain('data: { object: { status: … } }');
  });

  it('accepts a dotted key when a sample really has such a key', () => {
    expect(warningsFor(rule('      "a.b": [1]'), [{ 'a.b': 1 }])).toEqual([]);
  });

  it('warns when no sample has any of the exact values at the path, and suggests the nearest', () => {
    const [warning] = warningsFor(rule('      type: [invoice.payed]'));
    expect(warning).toBe(
      'rules/test.yaml:11: rule "r": when.type: no sample payload has "invoice.payed" at type (they have "invoice.paid") — did you mean "invoice.paid"?',
    );
  });

  it('keeps the typed comparison: the string "5" is not the number 5', () => {
    expect(
      warningsFor(rule('      data:\n        object:\n          lines:\n            amount: ["5"]')),
    ).toHaveLength(1);
    expect(
      warningsFor(rule('      data:\n        object:\n          lines:\n            amount: [5]')),
    ).toEqual([]);
  });

  it('is quiet for a rule every part of which some sample has, and for operators and exists: false', () => {
    expect(warningsFor(rule('      type: [invoice.paid, invoice.created]'))).toEqual([]);
    expect(warningsFor(rule('      type: [{ prefix: inv }]'))).toEqual([]);
    expect(warningsFor(rule('      deleted: [{ exists: false }]'))).toEqual([]);
  });

  it('checks each $or alternative', () => {
    const warnings = warningsFor(rule('      $or:\n        - type: [invoice.paid]\n        - tpye: [x]'));
    expect(warnings).toEqual([
      'rules/test.yaml:13: rule "r": when.$or[1].tpye: no sample payload has tpye — did you mean type?',
    ]);
  });

  it('without samples only flat dotted keys are checked', () => {
    expect(warningsFor(rule('      typ: [x]'), [])).toEqual([]);
  });

  it('skips disabled rules', () => {
    const text = `  - name: off\n    enabled: false\n    when:\n      typ: [x]\n    do: [{ track_event: { user_id: u, name: n } }]\n`;
    expect(warningsFor(text)).toEqual([]);
  });
});

describe('the shipped packs against their samples', () => {
  it('have no warning (as rules check --strict requires), and every source has samples', async () => {
    const root = join(import.meta.dirname, '../../..');
    const set = await loadRules(join(root, 'rules'));
    const warnings: string[] = [];
    for (const source of set.sources.values()) {
      const samples = await readSamples(source, root);
      expect(samples.files.length, source.name).toBeGreaterThan(0);
      warnings.push(...samples.problems);
      const text = readFileSync(source.file, 'utf8');
      warnings.push(
        ...findUnreachable({ file: source.file, text, payloads: samples.payloads }).map(formatWarning),
      );
    }
    expect(warnings).toEqual([]);
    expect(readdirSync(join(root, 'samples')).length).toBeGreaterThan(set.sources.size);
  });
});
