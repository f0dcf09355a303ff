// The copy-paste `send` command the start banner suggests: a shipped sample for a loaded source, right flags added.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_LOCAL_DIR, DEFAULT_RULES_DIR } from './layout.ts';

export const DEFAULT_INGEST_URL = 'http://127.0.0.1:8787';

/**
 * The Stripe trial→paid sample first: it shows ordering (leave one group, join another) in one event. Then one per
 * source that shows the most, named so the samples `rules check` needs for coverage do not change the suggestion.
 */
const PREFERRED = [
  'stripe/trial-converted.json',
  'hubspot/contact-became-customer.json',
  'portal/profile-completed.json',
];

export interface SampleCommandInput {
  sources: readonly string[];
  /** Where `samples/` is looked for (the working directory). */
  cwd: string;
  ingestUrl: string;
  rulesDir: string;
  localDir: string;
}

export function findSample(sources: readonly string[], cwd: string): string | undefined {
  for (const candidate of PREFERRED) {
    const source = candidate.split('/')[0] as string;
    if (sources.includes(source) && existsSync(join(cwd, 'samples', candidate)))
      return `samples/${candidate}`;
  }
  for (const source of sources) {
    const dir = join(cwd, 'samples', source);
    if (!existsSync(dir)) continue;
    const file = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()[0];
    if (file) return `samples/${source}/${file}`;
  }
  return undefined;
}

export function sampleSendCommand(input: SampleCommandInput): string | undefined {
  const sample = findSample(input.sources, input.cwd);
  if (!sample) return undefined;
  const source = sample.split('/')[1] as string;
  const flags = [
    input.ingestUrl !== DEFAULT_INGEST_URL ? `--url ${input.ingestUrl}` : '',
    samePath(input.cwd, input.rulesDir, DEFAULT_RULES_DIR) ? '' : `--rules ${quote(input.rulesDir)}`,
    samePath(input.cwd, input.localDir, DEFAULT_LOCAL_DIR) ? '' : `--local-dir ${quote(input.localDir)}`,
  ].filter(Boolean);
  return ['npx userflow-bridge send', source, sample, ...flags].join(' ');
}

function samePath(cwd: string, a: string, b: string): boolean {
  return resolve(cwd, a) === resolve(cwd, b);
}

function quote(value: string): string {
  return /^[\w./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
