// Exit 1 with one reason, said the same way by `events show|replay` and `dlq show`.
import { EXIT } from './exit.ts';

/**
 * For "nothing under that id" and for a refused replay: the arguments were fine and the store was read, so it is
 * exit 1, not the usage error's 2. A plain line for people; the JSON error where the command prints JSON.
 */
export function failWith(code: string, message: string, json: boolean): void {
  process.stderr.write(json ? `${JSON.stringify({ error: { code, message } })}\n` : `error: ${message}\n`);
  process.exitCode = EXIT.failure;
}
