// The `userflow-bridge` command: one commander program; each command group lives in its own module.
import { Command, CommanderError } from 'commander';
import { BridgeError } from '../errors.ts';
import { registerDlq } from './dlq.ts';
import { EXIT, UsageError } from './exit.ts';
import { registerRules } from './rules.ts';
import { registerSandbox } from './sandbox.ts';
import { registerSend } from './send.ts';
import { registerStart } from './start.ts';
import { registerSync } from './sync.ts';
import { registerUserflow } from './userflow.ts';

export function buildProgram(): Command {
  const program = new Command('userflow-bridge')
    .description('Feed Userflow from webhooks and your database: verified, ordered, throttled, audited.')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of [
    registerStart,
    registerSend,
    registerRules,
    registerUserflow,
    registerSandbox,
    registerDlq,
    registerSync,
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
  if (error instanceof BridgeError) {
    process.stderr.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
    return EXIT.failure;
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}
