// The sample payloads under samples/ (used with `send` and `rules test`) each produce commands with the shipped rules.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CompiledSource, loadRules, type RuleSet } from '../../../lib/rules/index.ts';
import { commandsFor } from './helpers.ts';

const ROOT = join(import.meta.dirname, '../../..');
const SAMPLES = join(ROOT, 'samples');

let rules: RuleSet;
beforeAll(async () => {
  rules = await loadRules(join(ROOT, 'rules'));
});

/** What samples/README.md promises for each sample: the command kinds, in order. */
const PROMISED: Record<string, string[]> = {
  'stripe/trial-converted.json': ['remove_membership', 'add_membership', 'track_event', 'upsert_user'],
  'stripe/checkout-completed.json': ['upsert_user', 'track_event'],
  'stripe/subscription-created.json': ['upsert_user', 'track_event'],
  'stripe/subscription-canceled.json': ['upsert_user', 'remove_membership', 'track_event'],
  'stripe/payment-failed.json': ['track_event'],
  'stripe/invoice-paid.json': ['upsert_user'],
  'hubspot/contact-became-customer.json': ['upsert_user', 'track_event'],
  'hubspot/company-created.json': ['upsert_group', 'upsert_group'],
  'portal/profile-completed.json': ['track_event'],
  'portal/user-signed-up.json': ['upsert_user', 'add_membership'],
  'portal/plan-changed.json': ['upsert_user', 'track_event'],
};

const samples = readdirSync(SAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) => readdirSync(join(SAMPLES, dir.name)).map((file) => `${dir.name}/${file}`))
  .filter((file) => file.endsWith('.json'))
  .sort();

describe('samples', () => {
  it('include the ones the issue asks for, and nothing untested', () => {
    expect(samples).toEqual(Object.keys(PROMISED).sort());
  });

  it.each(samples)('%s produces the promised commands', async (file) => {
    const source = rules.get(file.split('/')[0] as string) as CompiledSource;
    const body = JSON.parse(readFileSync(join(SAMPLES, file), 'utf8'));
    const commands = await commandsFor(source, body, { 'webhook-id': 'msg_sample' });
    expect(commands.map((command) => command.type)).toEqual(PROMISED[file]);
  });
});
