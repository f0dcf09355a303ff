// `userflow-bridge rules check|test|backtest`: validate the rule files, and show what a payload turns into, offline.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ConfigError } from '../errors.ts';
import { traceLine } from '../rules/explain.ts';
import type { CompiledSource, RuleSet } from '../rules/index.ts';
import { registerBacktest } from './backtest.ts';
import { UsageError } from './exit.ts';

// Only types and the dependency-free trace formatter are imported statically: the rules engine (zod, yaml,
// jsonata) loads inside the actions.

const DEFAULT_DIR = 'rules';

interface TestOptions {
  rules: string;
  source: string;
  payload: string;
  header: string[];
  eventId?: string;
  receivedAt?: string;
}

export function registerRules(program: Command): void {
  const rules = program
    .command('rules')
    .description(
      'Check rule files, test what a webhook payload turns into (no signature needed), and backtest a rule change on past events.',
    );

  rules
    .command('check')
    .description(
      'Validate every rule file; lists every problem (file, line, rule, field) and exits 1 if any. Also warns about ' +
        'rules that cannot fire: a flat dotted key, or a path or exact value that none of the sample payloads ' +
        '(samples/<source>/*.json, or the folder the rule file names in samples:) has.',
    )
    .option('--rules <dir>', 'directory of rule files', DEFAULT_DIR)
    .option('--strict', 'treat warnings as failures (exit 1)', false)
    .action(async (options: { rules: string; strict: boolean }) => {
      const set = await load(options.rules);
      if (!set) return;
      const warnings = await findWarnings(set);
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      if (options.strict && warnings.length > 0) {
        process.stderr.write(`FAILED: ${warnings.length} warning${plural(warnings.length)} (--strict)\n`);
        process.exitCode = 1;
        return;
      }
      const counts = [...set.sources.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((source) => `${source.name} ${source.rules.length}`);
      const total = [...set.sources.values()].reduce((sum, source) => sum + source.rules.length, 0);
      const warned = warnings.length > 0 ? `; ${warnings.length} warning${plural(warnings.length)}` : '';
      process.stdout.write(
        `OK: ${set.sources.size} source${plural(set.sources.size)}, ${total} rule${plural(total)} in ${options.rules} (${counts.join(', ')})${warned}\n`,
      );
    });

  rules
    .command('test')
    .description(
      "Print what a payload does, per event, in the JSON shape the event trail uses (each rule's decision, and the " +
        'commands with their id, kind, user and group), and, on stderr, why each rule did or did not match.',
    )
    .requiredOption('--source <name>', 'the source (URL segment) whose rules to run')
    .requiredOption('--payload <file>', 'a JSON file with the webhook body, or - to read it from stdin')
    .option('--rules <dir>', 'directory of rule files', DEFAULT_DIR)
    .option('--header <name:value>', 'a request header (repeatable)', collect, [])
    .option('--event-id <id>', 'the event id, for sources that take it from a header (e.g. webhook-id)')
    .option('--received-at <iso>', 'the received-at time to stamp (default: now)')
    .action(async (options: TestOptions) => {
      const headers = parseHeaders(options.header);
      const receivedAt = parseTime(options.receivedAt);
      const body = await readPayload(options.payload);
      const set = await load(options.rules);
      if (!set) return;
      const source = set.get(options.source);
      if (!source) {
        const known = [...set.sources.keys()].sort().join(', ');
        throw new UsageError(`unknown source "${options.source}" (${options.rules} defines: ${known})`);
      }
      supplyEventId(source, headers, options.eventId);
      await runTest(source, body, headers, receivedAt);
    });

  registerBacktest(rules, load);
}

async function runTest(
  source: CompiledSource,
  body: unknown,
  headers: Record<string, string>,
  receivedAt: Date,
): Promise<void> {
  const { decisionsOf } = await import('../rules/decisions.ts');
  const events = [];
  for (const event of source.splitEvents(body, headers)) {
    const evaluation = await source.evaluate(event, receivedAt, { explain: true });
    events.push(decisionsOf(event, evaluation));
    process.stderr.write(`event ${event.id}${event.type ? ` (${event.type})` : ''}:\n`);
    for (const entry of evaluation.trace) process.stderr.write(`  ${traceLine(entry)}\n`);
  }
  process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
}

/** Every source's rules read against its sample payloads: the rules that cannot fire, and unreadable samples. */
async function findWarnings(set: RuleSet): Promise<string[]> {
  const { findUnreachable, formatWarning } = await import('../rules/check/reachability.ts');
  const { readSamples } = await import('../rules/check/samples.ts');
  const warnings: string[] = [];
  const sources = [...set.sources.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const source of sources) {
    const samples = await readSamples(source, process.cwd());
    warnings.push(...samples.problems);
    if (samples.files.length === 0) {
      process.stderr.write(
        `note: no sample payloads for ${source.name} in ${samples.dir}: paths and values not checked\n`,
      );
    }
    const text = await readFile(source.file, 'utf8');
    const found = findUnreachable({ file: source.file, text, payloads: samples.payloads });
    warnings.push(...found.map(formatWarning));
  }
  return warnings;
}

/** The rule set, or undefined after printing every problem and setting exit code 1. */
async function load(dir: string): Promise<RuleSet | undefined> {
  const { loadRules } = await import('../rules/index.ts');
  const { ConfigError } = await import('../errors.ts');
  try {
    return await loadRules(dir);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    printProblems(error);
    process.exitCode = 1;
    return undefined;
  }
}

function printProblems(error: ConfigError): void {
  const [headline] = error.message.split('\n');
  process.stderr.write(`${headline}\n`);
  for (const problem of error.problems) process.stderr.write(`  ${problem}\n`);
}

/** Sources that read the event id from a header need one even offline; default it so `test` just works. */
function supplyEventId(
  source: CompiledSource,
  headers: Record<string, string>,
  eventId: string | undefined,
): void {
  const id = source.event.id;
  const header = typeof id === 'object' && 'header' in id ? id.header.toLowerCase() : undefined;
  if (header === undefined) {
    if (eventId !== undefined) {
      throw new UsageError(
        `--event-id: source "${source.name}" reads its event id from the body, not a header`,
      );
    }
    return;
  }
  if (headers[header] !== undefined) return;
  headers[header] = eventId ?? 'rules-test';
  if (eventId === undefined) process.stderr.write(`(no ${header} header given; using "rules-test")\n`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseHeaders(pairs: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header "${pair}": expected name:value`);
    headers[pair.slice(0, colon).trim().toLowerCase()] = pair.slice(colon + 1).trim();
  }
  return headers;
}

function parseTime(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new UsageError(`--received-at "${text}": not a date`);
  return time;
}

async function readPayload(file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--payload ${file}: ${(error as NodeJS.ErrnoException).code ?? 'cannot read'}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--payload ${file}: not valid JSON (${(error as Error).message})`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const plural = (n: number) => (n === 1 ? '' : 's');
