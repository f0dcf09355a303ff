// `userflow-bridge console`: the web console on localhost, against the local dir or a deployed stack.
import type { Command } from 'commander';

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description(
      'Serve the web console (events, dead letters, rules playground, status) on localhost, against the local dir or a deployed stack.',
    )
    .option('--trail <target>', 'dynamodb://<table>, or a trail SQLite file (default <local-dir>/trail.db)')
    .option('--queue-url <url>', 'the SQS webhook queue (default: the local queue file)')
    .option('--dlq-url <url>', 'its DLQ (default: from the queue’s RedrivePolicy)')
    .option('--port <n>', 'port (0 picks a free one)', '8789')
    .option('--host <host>', 'address to bind; anything but loopback needs a token', '127.0.0.1')
    .option('--console-token <token>', 'token required off loopback (default: one is generated and printed)')
    .option('--local-dir <dir>', 'the local dir (trail.db, queue.db)', '.local')
    .option('--rules <dir>', 'rule files for the playground and status', 'rules')
    .option('--samples <dir>', 'sample payloads the playground offers', 'samples')
    .action(async (flags: Record<string, unknown>) => {
      const { parseConsoleOptions } = await import('../console/options.ts');
      const { runConsole } = await import('./console-run.ts');
      await runConsole(parseConsoleOptions(flags), {
        env: process.env as Record<string, string | undefined>,
        print: (line) => process.stdout.write(`${line}\n`),
        printProblem: (line) => process.stderr.write(`${line}\n`),
      });
    });
}
