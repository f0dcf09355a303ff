// The `start` command's run: resolve flags, start the bridge, print the banner, stop cleanly on Ctrl-C.
import { localEnv } from '../config/dotenv.ts';
import { ConfigError } from '../errors.ts';
import { startBridge } from '../local/bridge.ts';
import { stopOnSignal } from '../local/shutdown.ts';
import { resolveStartOptions, type StartFlags } from './start-options.ts';

const print = (line: string) => process.stdout.write(`${line}\n`);
const printProblem = (line: string) => process.stderr.write(`${line}\n`);

export async function runStart(flags: StartFlags): Promise<void> {
  const env = process.env as Record<string, string | undefined>;
  const options = resolveStartOptions(flags, localEnv(env, flags.envFile ?? '.env'));
  const starting = startBridge({ ...options, env, cwd: process.cwd(), print, printProblem });
  // Listening before the start: a Ctrl-C while starting waits for the start, then stops what it opened.
  const signals = stopOnSignal({
    stop: async () => (await starting.catch(() => undefined))?.stop(),
    print,
    printProblem,
  });
  let bridge: Awaited<typeof starting>;
  try {
    bridge = await starting;
  } catch (error) {
    signals.dispose();
    const message = startFailure(error, options);
    if (!message) throw error;
    printProblem(message);
    process.exitCode = 1;
    return;
  }
  if (!signals.requested()) print(bridge.banner);
  await signals.stopped;
  print('stopped.');
  // Keep-alive sockets and similar handles must not hold the process once everything is closed.
  setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
}

/** A readable message for problems the user can fix; undefined for anything unexpected. */
function startFailure(
  error: unknown,
  options: { port: number; sandbox: { port: number } },
): string | undefined {
  if (error instanceof ConfigError) return `cannot start: ${error.message}`;
  const e = error as NodeJS.ErrnoException & { port?: number };
  if (e?.code === 'EADDRINUSE') {
    const which =
      e.port === options.sandbox.port || e.message?.includes(`:${options.sandbox.port}`)
        ? `the sandbox port ${options.sandbox.port} is in use: pass --sandbox-port N (or 0 for any free port)`
        : `port ${e.port ?? options.port} is in use: is the bridge already running? Pass --port N (or 0)`;
    return `cannot start: ${which}`;
  }
  return undefined;
}
