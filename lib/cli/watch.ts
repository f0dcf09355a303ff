// `userflow-bridge watch run <file>` and `watch status`: onboarding watches from the shell.
import type { Command } from 'commander';
import type { WatchRunResult } from '../watch/index.ts';
import { UsageError } from './exit.ts';

// Heavy modules load inside the actions, so `--help` stays fast.

const RUN_HELP = `
Reads the checklist's sessions in Userflow, keeps those started longer ago than stalled_after and not
completed, of users matching users:, and alerts each one once (state in <LOCAL_DIR>/watch-state.json).

Environment:
  USERFLOW_API_KEY      the environment API key (required)
  USERFLOW_API_URL      base URL instead of the region host, e.g. http://127.0.0.1:8788 for the sandbox
  USERFLOW_ACCOUNT_URL  https://app.userflow.com/<account>: alerts link to the user
  <secret names>        the alert's secrets (e.g. SLACK_WEBHOOK_URL) as environment variables

Examples:
  npx userflow-bridge watch run watches/example.yaml --dry-run
  npx userflow-bridge watch run watches/example.yaml --json

Exit 0 when every alert was delivered, 1 when one was not (the next run retries it), 2 for a bad file or flag.`;

export function registerWatch(program: Command): void {
  const group = program
    .command('watch')
    .description('Onboarding watches: alert a team when a user stalls in a checklist (watches/*.yaml)');

  group
    .command('run')
    .description('Run one watch file now')
    .argument('<file>', 'a watch file, e.g. watches/example.yaml')
    .option('--dry-run', 'list who would be alerted and why; send nothing, record nothing')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', RUN_HELP)
    .action(async (file: string, options: { dryRun?: boolean; json?: boolean }) => {
      const result = await runFromCli(file, options.dryRun === true);
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : runText(result));
      if (result.alerts.some((a) => a.status === 'failed')) process.exitCode = 1;
    });

  group
    .command('status')
    .description('Show the alerts recorded so far, per watch')
    .option('--watch <name>', 'only this watch')
    .option('--json', 'print the records as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  npx userflow-bridge watch status --watch enterprise-onboarding-stalled',
    )
    .action(async (options: { watch?: string; json?: boolean }) => {
      const [{ jsonFileAlertState }, { join }] = await Promise.all([
        import('../watch/index.ts'),
        import('node:path'),
      ]);
      const state = jsonFileAlertState(join(process.env.LOCAL_DIR || '.local', 'watch-state.json'));
      const records = await state.list(options.watch);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
        return;
      }
      if (!records.length) {
        process.stdout.write('no alerts recorded yet\n');
        return;
      }
      for (const r of records) {
        const done = r.completed_at ? ` · completed ${r.completed_at}` : '';
        process.stdout.write(
          `${r.watch}  ${r.user_id}  session ${r.session_id}  alerted ${r.alerted_at} (${r.alerts}×)${done}\n`,
        );
      }
    });
}

async function runFromCli(file: string, dryRun: boolean): Promise<WatchRunResult> {
  const [
    watchLib,
    { readWatchConfig },
    { UserflowClient },
    { createUndiciTransport },
    { envSecretSource, SecretMissingError },
    { join },
    { onLocalBudget },
  ] = await Promise.all([
    import('../watch/index.ts'),
    import('../config/watch.ts'),
    import('../userflow/client.ts'),
    import('../userflow/undici-transport.ts'),
    import('../secrets/index.ts'),
    import('node:path'),
    import('../local/local-budget.ts'),
  ]);
  // The file first: a bad file is the first thing to fix, whatever the environment.
  const watch = await watchLib.loadWatchFile(file);
  const config = readWatchConfig(process.env);
  // A run draws on the budget `start` keeps in the local dir, as the low-priority watch class.
  const { client: userflow } = onLocalBudget(
    new UserflowClient({
      apiKey: config.USERFLOW_API_KEY,
      ...(config.USERFLOW_API_URL ? { baseUrl: config.USERFLOW_API_URL } : {}),
      ...(config.USERFLOW_REGION ? { region: config.USERFLOW_REGION } : {}),
    }),
    {
      localDir: config.LOCAL_DIR,
      apiKey: config.USERFLOW_API_KEY,
      budgetClass: 'watch',
      ...(config.USERFLOW_RATE_LIMIT === undefined ? {} : { ceilingPerSecond: config.USERFLOW_RATE_LIMIT }),
    },
  );
  const deliver = dryRun
    ? undefined
    : await watchLib
        .alertTarget(watch, {
          secrets: envSecretSource(process.env),
          transport: createUndiciTransport(),
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          now: () => new Date(),
        })
        .catch((error: unknown) => {
          // A secret that is not set is something to fix before running again, like a bad flag.
          if (error instanceof SecretMissingError) {
            throw new UsageError(
              `${file}: the alert's secret ${error.secretName} is not set (or use --dry-run)`,
            );
          }
          throw error;
        });
  return watchLib.runWatch({
    watch,
    userflow,
    state: watchLib.jsonFileAlertState(join(config.LOCAL_DIR, 'watch-state.json')),
    ...(deliver ? { deliver } : {}),
    now: new Date(),
    ...(config.USERFLOW_ACCOUNT_URL ? { accountUrl: config.USERFLOW_ACCOUNT_URL } : {}),
    onProgress: (n) => process.stderr.write(`… ${n} sessions read\n`),
  });
}

function runText(result: WatchRunResult): string {
  const lines = [
    `watch ${result.watch} · ${result.content.name} (${result.content.id}) · ${result.sessions_read} sessions read · ${result.stalled} stalled · ${result.already_alerted} already alerted${result.dry_run ? ' · dry run' : ''}`,
  ];
  for (const a of result.alerts) {
    const who = a.alert.name ? `${a.alert.name} (${a.user_id})` : a.user_id;
    const step = a.alert.next_task ? ` · stuck at "${a.alert.next_task}"` : '';
    lines.push(
      `  ${a.status.padEnd(10)} ${who} · ${a.alert.done}/${a.alert.total}${step} · ${a.reason}${a.error ? ` · ${a.error}` : ''}`,
    );
  }
  for (const c of result.completed_after_alert)
    lines.push(`  completed  ${c.user_id} finished after the alert (session ${c.session_id})`);
  if (!result.alerts.length) lines.push('  nobody to alert');
  return `${lines.join('\n')}\n`;
}
