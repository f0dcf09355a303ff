// Exit codes and the usage error shared by every CLI command.
import { BridgeError } from '../errors.ts';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Bad flags or arguments: the CLI prints the message and exits 2. */
export class UsageError extends BridgeError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('usage', message, { retryable: false, status: 400, cause: options.cause });
  }
}
