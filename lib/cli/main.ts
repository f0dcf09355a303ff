// The `userflow-bridge` command: one commander program; each command group lives in its own module.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { BridgeError, ConfigError } from '../errors.ts';
import { registerConsole } from './console.ts';
import { registerDevDb } from './dev-db.ts';
import { registerDlq } from './dlq.ts';
import { registerEvents } from './events.ts';
import { EXIT, UsageError } from './exit.ts';
import { registerMcp } from './mcp.ts';
import { registerPrincipals } from './principals.ts';
import { registerRules } from './rules.ts';
import { registerSandbox } from './sandbox.ts';
import { registerSend } from './send.ts';
import { registerStart } from './start.ts';
import { registerSync } from './sync.ts';
import { registerUserflow } from './userflow.ts';
import { registerWatch } from './watch.ts';

export function buildProgram(): Command {
  const program = new Command('userflow-bridge')
    .description('Feed Userflow from webhooks and your database: verified, ordered, throttled, audited.')
    .showHelpAfterError('(add --help for usage)')
    .version(packageVersion(), '--version', 'print the version and exit')
    .exitOverride();
  for (const register of [
    registerStart,
    registerSend,
    registerRules,
    registerUserflow,
    registerSandbox,
    registerDlq,
    registerEvents,
    registerSync,
    registerConsole,
    registerDevDb,
    registerPrincipals,
    registerMcp,
    registerWatch,
  ]) {
    register(program);
  }
  return program;
}

/** Runs the CLI and returns the process exit code: 0 ok, 1 operational/API failure, 2 usage error. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  program.commands.forEach(applyExitOverride);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (error) {
    return reportError(error);
  }
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  command.commands.forEach(applyExitOverride);
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander only because exitOverride is on.
    if (error.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n(add --help for usage)\n`);
    return EXIT.usage;
  }
  // One rule for every command: what the user can fix by changing what they typed or the files they
  // pointed at (an unknown source, a missing secret, a file that is not there) is a usage error, plain text,
  // exit 2; a failure while doing the work is exit 1. No stack trace for either of the first kind.
  if (error instanceof ConfigError) {
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT.usage;
  }
  const unreadable = unreadableFile(error);
  if (unreadable) {
    process.stderr.write(`error: ${unreadable}\n`);
    return EXIT.usage;
  }
  if (error instanceof BridgeError) {
    process.stderr.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
    return EXIT.failure;
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}

/** File-system errors that name a path the user gave: `cannot read <path>: no such file or directory`. */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
};

function unreadableFile(error: unknown): string | undefined {
  const errno = error as NodeJS.ErrnoException | undefined;
  if (!(error instanceof Error) || !errno?.code || !errno.path) return undefined;
  const what = FILE_ERRORS[errno.code];
  return what ? `cannot read ${errno.path}: ${what}` : undefined;
}

/** The version in package.json, read once at startup (bin runs from the checkout, so the file is there). */
function packageVersion(): string {
  const file = fileURLToPath(new URL('../../package.json', import.meta.url));
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  return typeof parsed.version === 'string' ? parsed.version : '0.0.0';
}
