// The ingest Lambda's rules come pre-read at synth (cdk/rule-files.ts → lib/rules/load-pre-read.ts): they must
// compile to the same sources, commands and problems as the YAML files they were read from.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { preReadRuleFiles } from '../../../cdk/rule-files.ts';
import { PRE_READ_FILE } from '../../../lib/pre-read-files.ts';
import { loadRules, type RuleSet } from '../../../lib/rules/index.ts';
import { loadRules as loadPreRead } from '../../../lib/rules/load-pre-read.ts';
import { commandsFor } from './helpers.ts';

const ROOT = join(import.meta.dirname, '../../..');
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory with the given rule files and their pre-read form, as the ingest bundle carries them. */
function bundledRules(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pre-read-'));
  scratch.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const paths = Object.keys(files)
    .sort()
    .map((name) => join(dir, name));
  writeFileSync(join(dir, PRE_READ_FILE), preReadRuleFiles(paths));
  return dir;
}

const shipped = Object.fromEntries(
  readdirSync(join(ROOT, 'rules'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => [f, readFileSync(join(ROOT, 'rules', f), 'utf8')]),
);

const summary = (set: RuleSet) =>
  [...set.sources.values()].map(({ name, file, samples, verify, event, trail, rules }) => ({
    name,
    file,
    samples,
    verify,
    event,
    trail,
    rules,
  }));

describe('pre-read rule files', () => {
  it('compile to the same sources as the shipped YAML, and the same commands for every sample', async () => {
    const dir = bundledRules(shipped);
    const [fromYaml, preRead] = await Promise.all([loadRules(dir), loadPreRead(dir)]);
    expect(summary(preRead)).toEqual(summary(fromYaml));
    let compared = 0;
    for (const source of readdirSync(join(ROOT, 'samples'), { withFileTypes: true })) {
      if (!source.isDirectory()) continue;
      for (const file of readdirSync(join(ROOT, 'samples', source.name)).filter((f) => f.endsWith('.json'))) {
        const body = JSON.parse(readFileSync(join(ROOT, 'samples', source.name, file), 'utf8'));
        const [a, b] = [fromYaml, preRead].map((set) => set.get(source.name));
        if (!a || !b) throw new Error(`no source ${source.name}`);
        const headers = { 'webhook-id': 'msg_sample' };
        expect(await commandsFor(b, body, headers)).toEqual(await commandsFor(a, body, headers));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('report the same problems as the YAML, without its line numbers, once the source is used', async () => {
    // The synth refuses such a file before bundling it; the loader still checks what it is given.
    const bad =
      'source: bad\nverify:\n  scheme: nope\nevent:\n  id: id\n  type: type\nrules: [{ name: 1 }]\n';
    const dir = bundledRules({ 'bad.yaml': bad });
    const problems = (load: (d: string) => Promise<RuleSet>) =>
      load(dir)
        .then((set) => set.get('bad'))
        .then(
          () => [],
          (e: { problems: string[] }) => e.problems.map((p) => p.replace(/\.yaml:\d+:/, '.yaml:')),
        );
    const fromYaml = await problems(loadRules);
    expect(fromYaml.length).toBeGreaterThan(1);
    expect(await problems(loadPreRead)).toEqual(fromYaml);
  });

  it('compile each source when it is first used, and only that one', async () => {
    const stripe = shipped['stripe.yaml'] as string;
    const broken = 'source: broken\nverify: { scheme: nope }\nevent: { id: id, type: type }\nrules: []\n';
    const dir = bundledRules({ 'stripe.yaml': stripe, 'broken.yaml': broken });
    const set = await loadPreRead(dir);
    expect([...set.sources.keys()].sort()).toEqual(['broken', 'stripe']);
    // A broken source fails only where it is used: the working one still serves its webhooks.
    expect(set.get('stripe')?.name).toBe('stripe');
    expect(set.get('stripe')).toBe(set.get('stripe'));
    expect(() => set.get('broken')).toThrow(/invalid rule files/);
    expect(set.get('nope')).toBeUndefined();
  });

  it('refuse at synth a value JSON would change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pre-read-'));
    scratch.push(dir);
    writeFileSync(join(dir, 'nan.yaml'), 'source: x\nweight: .nan\n');
    expect(() => preReadRuleFiles([join(dir, 'nan.yaml')])).toThrow(/JSON cannot carry/);
  });
});
