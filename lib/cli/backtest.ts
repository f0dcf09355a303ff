import type { Command } from 'commander';
import type { BacktestReport, CommandChange, CommandView, RuleDiff } from '../rules/backtest.ts';
import type { RuleSet } from '../rules/index.ts';
import { UsageError } from './exit.ts';

interface BacktestOptions {
  rules: string;
  current: string;
  since: string;
  source?: string;
  json: boolean;
  expectNoChange: boolean;
  localDir: string;
  trail?: string;
  limit: string;
  checkDefinitions: boolean;
}

export function registerBacktest(rules: Command, load: (dir: string) => Promise<RuleSet | undefined>): void {
  rules
    .command('backtest')
    .description(
      'Run the bodies of past events (the trail) through the current and the candidate rule files, and show per ' +
        'rule the events matched before and after and the commands added, removed or changed (5 examples each).',
    )
    .option('--rules <dir>', 'the candidate rule files', 'rules')
    .option('--current <dir>', 'the rule files that are live now', 'rules')
    .option('--since <duration>', 'how far back to read the trail: 30m, 12h, 7d', '7d')
    .option('--source <name>', 'only events of this source')
    .option('--json', 'print the report as JSON', false)
    .option('--expect-no-change', 'exit 1 if anything differs (for CI on a rules pull request)', false)
    .option('--local-dir <dir>', 'where `start` keeps the local trail (trail.db)', '.local')
    .option(
      '--trail <target>',
      'the trail to read: dynamodb://<table> or a file (default <local-dir>/trail.db)',
    )
    .option('--limit <n>', 'read at most this many requests (newest first)', '10000')
    .option(
      '--check-definitions',
      "warn where the candidate rules send an attribute as another type than Userflow's definition of it " +
        '(needs USERFLOW_API_KEY)',
      false,
    )
    .action(async (options: BacktestOptions) => {
      const since = parseSince(options.since, new Date());
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit <= 0)
        throw new UsageError(`--limit "${options.limit}": not a count`);
      const current = await load(options.current);
      const candidate = current && (await load(options.rules));
      if (!current || !candidate) return;
      const { openTrailForReading } = await import('./trail.ts');
      const { backtest } = await import('../rules/backtest.ts');
      const { AttributeObserver, formatMismatch } = await import('../rules/definition-check.ts');
      // Before reading the trail, so a missing key is a usage error and not a long wait first.
      const definitions = options.checkDefinitions ? await fetchDefinitions() : undefined;
      const observer = new AttributeObserver();
      const store = await openTrailForReading(options);
      let report: BacktestReport;
      try {
        const intakes = await store.listIntakes({
          since,
          limit,
          ...(options.source === undefined ? {} : { source: options.source }),
        });
        report = await backtest({
          intakes,
          current,
          candidate,
          observe: (command, rule, eventId) => observer.observe(command, rule, eventId),
        });
      } finally {
        store.close();
      }
      const mismatches = definitions ? observer.mismatches(definitions) : [];
      for (const mismatch of mismatches) process.stderr.write(`warning: ${formatMismatch(mismatch)}\n`);
      const printed = definitions ? { ...report, definitionMismatches: mismatches } : report;
      process.stdout.write(
        options.json ? `${JSON.stringify(printed, null, 2)}\n` : formatReport(report, options),
      );
      if (options.expectNoChange && (report.changed || mismatches.length > 0)) process.exitCode = 1;
    });
}

/** Every attribute definition of the Userflow environment USERFLOW_API_KEY (and USERFLOW_API_URL) names. */
async function fetchDefinitions(): Promise<{ scope: string; name: string; data_type: string }[]> {
  const apiKey = process.env.USERFLOW_API_KEY;
  if (!apiKey) throw new UsageError('--check-definitions: USERFLOW_API_KEY is not set');
  const { UserflowClient } = await import('../userflow/client.ts');
  const url = process.env.USERFLOW_API_URL;
  const client = new UserflowClient({ apiKey, ...(url ? { baseUrl: url } : {}) });
  const definitions = [];
  for await (const definition of client.paginate.attributeDefinitions()) definitions.push(definition);
  return definitions;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseSince(text: string, now: Date): Date {
  const match = /^(\d+)([mhd])$/.exec(text);
  if (!match) throw new UsageError(`--since "${text}": expected a duration like 30m, 12h or 7d`);
  return new Date(now.getTime() - Number(match[1]) * (UNITS[match[2] as string] as number));
}

export function formatReport(report: BacktestReport, options: { rules: string; current: string }): string {
  const lines: string[] = [];
  const skipped = Object.entries(report.skipped).map(([why, n]) => `${n} ${why}`);
  lines.push(
    `backtest: ${report.requests} request${plural(report.requests)}, ${report.events} event${plural(report.events)}; ` +
      `${options.current} → ${options.rules}${skipped.length > 0 ? ` (skipped: ${skipped.join(', ')})` : ''}`,
  );
  if (!report.changed) {
    lines.push('no change: every rule matches the same events and produces the same commands');
    return `${lines.join('\n')}\n`;
  }
  for (const diff of report.rules) lines.push(...formatDiff(diff));
  lines.push(`${report.rules.length} rule${plural(report.rules.length)} changed`);
  return `${lines.join('\n')}\n`;
}

function formatDiff(diff: RuleDiff): string[] {
  const counts = [
    `matched ${diff.matched.before} → ${diff.matched.after}`,
    ...(diff.added.count ? [`${diff.added.count} added`] : []),
    ...(diff.removed.count ? [`${diff.removed.count} removed`] : []),
    ...(diff.changed.count ? [`${diff.changed.count} changed`] : []),
  ];
  const lines = [`rule ${diff.source}/${diff.rule}: ${counts.join(', ')}`];
  for (const command of diff.added.examples) lines.push(`  + ${describe(command)}`);
  for (const command of diff.removed.examples) lines.push(`  - ${describe(command)}`);
  for (const change of diff.changed.examples) lines.push(`  ~ ${describeChange(change)}`);
  return lines;
}

function describe(command: CommandView): string {
  return `${heading(command)} ${JSON.stringify(command.command)}`;
}

function describeChange({ before, after, fields }: CommandChange): string {
  const parts = fields.map((field) => `${field}: ${show(pick(before, field))} → ${show(pick(after, field))}`);
  return `${heading(after)} ${parts.join('; ')}`;
}

/** `upsert_user user usr_1 (event evt_1)`: what the trail would list the command by. */
function heading(command: CommandView): string {
  const who = [command.userId && ` user ${command.userId}`, command.groupId && ` group ${command.groupId}`];
  return `${command.kind}${who.filter(Boolean).join('')} (event ${command.eventId})`;
}

function pick(command: CommandView, field: string): unknown {
  if (field === 'kind' || field === 'userId' || field === 'groupId') return command[field];
  const [name, attribute] = field.split('.') as [string, string | undefined];
  const value = (command.command as Record<string, unknown>)[name];
  return attribute === undefined ? value : (value as Record<string, unknown> | undefined)?.[attribute];
}

const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
const plural = (n: number) => (n === 1 ? '' : 's');
