// Exit codes and the usage error shared by every CLI command.

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Bad flags or arguments: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
