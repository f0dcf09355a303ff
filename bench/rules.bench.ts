// Rules bench: CPU µs per event (split + match + build commands) for one source with 10 rules and with 1,000 rules,
// over the Stripe fixtures' mix of events. The rules added to reach 1,000 cannot match (as most rules in a real
// set cannot match a given event); the ratio shows whether the index keeps them out of the way (goal ≤ 1.5).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CompiledSource, parseRuleFiles } from '../lib/rules/index.ts';
import { report, round } from './report.ts';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'test/fixtures/webhooks/stripe');
const ROUNDS = Number(process.env.BENCH_RULES_ROUNDS ?? 11);
const PASSES_PER_ROUND = Number(process.env.BENCH_RULES_PASSES ?? 200);

const stripeYaml = readFileSync(join(ROOT, 'rules/stripe.yaml'), 'utf8');
const shippedRules = (stripeYaml.match(/^ {2}- name: /gm) ?? []).length;

/** Event types the shipped rules do not handle: the long tail a busy Stripe account also sends. */
const OTHER_TYPES = [
  'customer.created',
  'customer.updated',
  'charge.succeeded',
  'charge.refunded',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'invoice.created',
  'invoice.finalized',
  'invoice.upcoming',
  'customer.subscription.trial_will_end',
  'product.updated',
  'price.created',
  'checkout.session.expired',
  'setup_intent.succeeded',
  'payment_method.attached',
];
const HANDLED_TYPES = [
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
];

/**
 * Rule `i` of the padding (per hundred): 70 watch other event types; 18 watch handled types in another currency
 * and plan; 5 watch handled types for amounts no fixture reaches (filed by numeric range); 5 for id prefixes no
 * fixture has (filed by prefix); 2 for an id suffix, which no index can rule out, so every event of their type
 * runs their matcher.
 */
function paddingRule(i: number): Record<string, unknown> {
  const action = [
    { track_event: { user_id: '{% data.object.metadata.userflow_user_id %}', name: `padding_${i}` } },
  ];
  const handled = HANDLED_TYPES[(i + Math.floor(i / 100)) % HANDLED_TYPES.length];
  const kind = i % 100;
  const object = (condition: Record<string, unknown>) => ({ type: [handled], data: { object: condition } });
  let when: Record<string, unknown>;
  if (kind < 70)
    when = { type: [OTHER_TYPES[i % OTHER_TYPES.length]], data: { object: { livemode: [i % 2 === 0] } } };
  else if (kind < 88)
    when = object({ currency: [['eur', 'gbp', 'jpy'][i % 3]], metadata: { plan: [`plan_${i}`] } });
  else if (kind < 93) when = object({ amount_due: [{ numeric: ['>', 1_000_000 + i] }] });
  else if (kind < 98) when = object({ id: [{ prefix: `test_clock_${i}_` }] });
  else when = object({ id: [{ suffix: `_archived_${i}` }] });
  return { name: `padding-${i}`, when, do: action };
}

function sourceWith(totalRules: number): CompiledSource {
  const padding = Array.from({ length: totalRules - shippedRules }, (_, i) => paddingRule(i));
  const extra = padding.map((rule) => `  - ${JSON.stringify(rule)}`).join('\n');
  const set = parseRuleFiles([{ path: 'rules/stripe.yaml', text: `${stripeYaml}\n${extra}\n` }]);
  const source = set.get('stripe') as CompiledSource;
  if (source.rules.length !== totalRules)
    throw new Error(`built ${source.rules.length} rules, wanted ${totalRules}`);
  return source;
}

const bodies = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as unknown);
const receivedAt = new Date('2025-06-01T00:00:00Z');

/** One pass over every fixture body; returns the number of commands (so nothing is optimised away). */
async function pass(source: CompiledSource): Promise<number> {
  let commands = 0;
  for (const body of bodies) {
    for (const event of source.splitEvents(body, {})) {
      commands += (await source.evaluate(event, receivedAt)).envelopes.length;
    }
  }
  return commands;
}

/**
 * CPU µs of one pass (user + system, this process), not wall time: on a shared machine the process is often
 * descheduled, which wall time would charge to whichever side happened to be running.
 */
async function timedPass(source: CompiledSource): Promise<number> {
  const start = process.cpuUsage();
  await pass(source);
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

const small = sourceWith(10);
const large = sourceWith(1_000);
const [smallCommands, largeCommands] = [await pass(small), await pass(large)];
if (smallCommands !== largeCommands)
  throw new Error('the padding rules matched an event; the bench is unfair');

// Warm up both, then alternate single passes so machine noise and GC hit both sides alike; a round's figure is
// its total time per event, and the reported figure the median round.
const rounds: { small: number; large: number }[] = [];
for (let round = -2; round < ROUNDS; round += 1) {
  let [smallMicros, largeMicros] = [0, 0];
  for (let i = 0; i < PASSES_PER_ROUND; i += 1) {
    smallMicros += await timedPass(small);
    largeMicros += await timedPass(large);
  }
  const events = PASSES_PER_ROUND * bodies.length;
  if (round >= 0) rounds.push({ small: smallMicros / events, large: largeMicros / events });
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const us10 = median(rounds.map((r) => r.small));
const us1000 = median(rounds.map((r) => r.large));
const ratio = median(rounds.map((r) => r.large / r.small));

report('rules', {
  events: bodies.length,
  commands_per_pass: smallCommands,
  us_per_event_10_rules: round(us10, 2),
  us_per_event_1000_rules: round(us1000, 2),
  ratio: round(ratio, 3),
  goal: '<= 1.5',
});
