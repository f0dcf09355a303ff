// Ctrl-C and SIGTERM for a long-running local command: stop cleanly once, within a bound; a second Ctrl-C quits.

export interface ShutdownOptions {
  /** Stops the work; resolves when everything is closed. */
  stop: () => Promise<void>;
  /** After this long the process exits anyway (default 4 500 ms, inside the 5 s a user waits). */
  deadlineMs?: number;
  print: (line: string) => void;
  printProblem: (line: string) => void;
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}

/**
 * Resolves after the first signal's stop completed. What is still in flight when the deadline passes is not lost:
 * its messages were never deleted and come back after their visibility timeout.
 */
export function stopOnSignal(options: ShutdownOptions): Promise<NodeJS.Signals> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const deadlineMs = options.deadlineMs ?? 4_500;
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        options.printProblem('second signal: exiting now');
        exit(130);
        return;
      }
      stopping = true;
      options.print(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping…`);
      const deadline = setTimeout(() => {
        options.printProblem(
          `not stopped after ${deadlineMs} ms: exiting; unfinished messages come back after their visibility timeout`,
        );
        exit(0);
      }, deadlineMs);
      deadline.unref();
      options
        .stop()
        .catch((error: unknown) => options.printProblem(`while stopping: ${(error as Error).message}`))
        .finally(() => {
          clearTimeout(deadline);
          for (const s of signals) process.off(s, onSignal);
          // Keep catching signals until exit, so a late Ctrl-C does not kill mid-close.
          for (const s of signals) process.once(s, () => exit(130));
          resolve(signal);
        });
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
