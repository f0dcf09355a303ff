// The README's examples are real: its rule excerpt compiles, and every file it tells a reader to use exists.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRuleFiles } from '../../lib/rules/index.ts';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('shows a rule excerpt that moves the sample user from trial to paid, in that order', async () => {
    const [text] = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    const source = parseRuleFiles([{ path: 'README.md', text: text as string }]).get('stripe');
    const payload = JSON.parse(readFileSync('samples/stripe/trial-converted.json', 'utf8'));
    const [event] = source?.splitEvents(payload, {}) ?? [];
    const { envelopes } = (await source?.evaluate(event as NonNullable<typeof event>, new Date())) ?? {
      envelopes: [],
    };
    expect(
      envelopes.map((e) => [e.command.type, 'group_id' in e.command ? e.command.group_id : undefined]),
    ).toEqual([
      ['remove_membership', 'trial'],
      ['add_membership', 'paid'],
    ]);
  });

  it('names only files that exist', () => {
    const paths = new Set(
      [...readme.matchAll(/\b((?:samples|syncs|rules|lib|cdk)\/[\w./-]+\.(?:json|yaml|sql|md))\b/g)].map(
        (m) => m[1] as string,
      ),
    );
    expect(paths.size).toBeGreaterThan(5);
    for (const path of paths) expect(existsSync(path), path).toBe(true);
  });

  it('says in the Deploy section that the sync path needs -c syncDir', () => {
    const deploy = readme.slice(readme.indexOf('## Deploying to AWS'), readme.indexOf('## Benchmarks'));
    expect(deploy).toMatch(/npx cdk deploy .*-c syncDir=syncs/);
  });
});
