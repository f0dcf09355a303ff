// `userflow-bridge sandbox`: runs the local Userflow API until SIGINT/SIGTERM, then closes (saving any snapshot).

import type { Command } from 'commander';
import type { SandboxRequestLine } from '../sandbox/index.ts';
import { UsageError } from './exit.ts';

/** The port `start` gives its sandbox too, so the URL in every help text and the README is the same. */
const SANDBOX_DEFAULT_PORT = 8788;

interface SandboxFlagsCli {
  port: string;
  host: string;
  rateLimit?: string;
  burst?: string;
  concurrency?: string;
  seed: string;
  quiet?: boolean;
  snapshot?: string;
  apiKey?: string[];
  errorRate?: string;
  slowRate?: string;
  slowMs?: string;
  profile?: string;
}

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description(
      'Run the local Userflow API sandbox (same routes, auth, errors, pagination and 429s as Userflow)',
    )
    .option('--port <n>', 'port to listen on (0 picks a free one)', String(SANDBOX_DEFAULT_PORT))
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--rate-limit <r>', 'requests per second before 429s (token bucket; off when absent)')
    .option('--burst <b>', 'token-bucket size (default: one second of --rate-limit)')
    .option('--concurrency <c>', 'requests allowed in flight at once before 429s')
    .option('--seed <file>', "'demo', 'none' or a seed JSON file", 'demo')
    .option(
      '--snapshot <file>',
      'load state from this JSON file when it exists; save it on change and at exit',
    )
    .option('--api-key <key...>', 'accepted API key(s) (default ak_sandbox)')
    .option('--error-rate <x>', 'share of requests answered 500 (0..1)')
    .option('--slow-rate <x>', 'share of requests delayed by --slow-ms (0..1)')
    .option('--slow-ms <ms>', 'delay of a slow response in ms', '1000')
    .option('--profile <name>', 'strict (refuse whatever Userflow might refuse) or lenient (default)')
    .option('--quiet', 'no line per request')
    .addHelpText(
      'after',
      `\nPoint a client at it: USERFLOW_API_URL=http://127.0.0.1:${SANDBOX_DEFAULT_PORT} USERFLOW_API_KEY=ak_sandbox`,
    )
    .action(async (flags: SandboxFlagsCli) => {
      const options = toOptions(flags);
      const { startSandbox } = await import('../sandbox/index.ts');
      const sandbox = await startSandbox({
        ...options,
        ...(flags.quiet ? {} : { onRequest: printRequestLine }),
      }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        // A port the user can change: a usage error, as for any other bad flag.
        throw new UsageError(
          `${options.host}:${options.port} is already in use: pass --port N (or 0 for any free port)`,
        );
      });
      process.stdout.write(`listening on ${sandbox.url}\n`);
      process.stdout.write(`api key: ${sandbox.apiKey}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sandbox.close();
    });
}

/** One line per call, as `start` prints per Userflow call, so a newcomer sees their client reach the sandbox. */
function printRequestLine(line: SandboxRequestLine): void {
  process.stdout.write(`${line.method} ${line.url} → ${line.status} (${line.ms} ms)\n`);
}

function toOptions(flags: SandboxFlagsCli) {
  const rate = optionalNumber(flags.rateLimit, '--rate-limit', 0);
  const concurrency = optionalNumber(flags.concurrency, '--concurrency', 1, true);
  const burst = optionalNumber(flags.burst, '--burst', 1);
  const errorRate = optionalNumber(flags.errorRate, '--error-rate', 0, false, 1);
  const slowRate = optionalNumber(flags.slowRate, '--slow-rate', 0, false, 1);
  const slowMs = optionalNumber(flags.slowMs, '--slow-ms', 0, true);
  if (burst !== undefined && rate === undefined) throw new UsageError('--burst needs --rate-limit');
  if (flags.profile !== undefined && flags.profile !== 'strict' && flags.profile !== 'lenient') {
    throw new UsageError(`--profile must be strict or lenient, got "${flags.profile}"`);
  }
  return {
    ...(flags.profile ? { profile: flags.profile as 'strict' | 'lenient' } : {}),
    host: flags.host,
    port: optionalNumber(flags.port, '--port', 0, true, 65535) ?? 0,
    apiKeys: flags.apiKey,
    seed: flags.seed,
    snapshotPath: flags.snapshot,
    rateLimit:
      rate !== undefined || concurrency !== undefined
        ? { requestsPerSecond: rate ?? Number.POSITIVE_INFINITY, burst, concurrency }
        : undefined,
    faults: errorRate !== undefined || slowRate !== undefined ? { errorRate, slowRate, slowMs } : undefined,
  };
}

function optionalNumber(
  raw: string | undefined,
  name: string,
  min: number,
  integer = false,
  max = Number.POSITIVE_INFINITY,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `between ${min} and ${max}`;
    throw new UsageError(`${name} must be ${integer ? 'an integer' : 'a number'} ${range}, got '${raw}'`);
  }
  return value;
}
