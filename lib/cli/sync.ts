// `userflow-bridge sync`: run a database sync (with progress and a summary), or show the last runs.
import type { Command } from 'commander';
import { UsageError } from './exit.ts';
// A type-only import: the module itself (databases, queues) loads only when `sync run` runs.
import type { RunSyncFlags } from './sync-run.ts';

interface StatusFlags {
  localDir: string;
  file?: string;
  sync?: string;
  limit: string;
  json?: boolean;
  envFile: string;
}

export function registerSync(program: Command): void {
  const sync = program
    .command('sync')
    .description(
      'Sync users, groups and memberships from PostgreSQL into Userflow, sending only what changed.',
    );

  sync
    .command('run')
    .description("Stream the sync file's queries, diff against the last run, and queue the changes.")
    .argument('<file>', 'sync file (YAML), e.g. syncs/example.yaml')
    .option('--dry-run', 'count the changes and show a sample; queue nothing, remember nothing')
    .option('--local-dir <dir>', 'where local mode keeps its queue and state', '.local')
    .option('--queue <kind>', 'local (the embedded queue `npm start` consumes) or sqs', 'local')
    .option('--queue-url <url>', 'SQS FIFO queue for sync commands (with --queue sqs; or SYNC_QUEUE_URL)')
    .option('--no-count', 'skip counting rows up front (no ETA, one scan less)')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--env-file <path>', 'file with the connection secret, under the environment', '.env')
    .option(
      '--trail <target>',
      'record the run in this trail (dynamodb://<table>); default <local-dir>/trail.db',
    )
    .action(async (file: string, flags: RunSyncFlags) => {
      if (flags.queue !== 'local' && flags.queue !== 'sqs')
        throw new UsageError('--queue must be local or sqs');
      const { runSyncCommand } = await import('./sync-run.ts');
      await runSyncCommand(file, flags);
    });

  sync
    .command('status')
    .description('Show the last sync runs: when, how they ended, and what they changed.')
    .option('--local-dir <dir>', 'where local mode keeps its state', '.local')
    .option('--file <file>', "read the runs from this sync file's state store (needed for `state: database`)")
    .option('--sync <name>', 'only runs of this sync')
    .option('--limit <n>', 'how many runs', '10')
    .option('--json', 'print JSON')
    .option('--env-file <path>', 'file with the connection secret, under the environment', '.env')
    .action(async (flags: StatusFlags) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
      const { syncStatusCommand } = await import('./sync-run.ts');
      await syncStatusCommand({ ...flags, limit });
    });
}
