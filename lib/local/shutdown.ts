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

export interface SignalWatch {
  /** Resolves after the first signal's stop completed. */
  stopped: Promise<NodeJS.Signals>;
  /** Whether a signal came (stopping has begun). */
  requested(): boolean;
  /** Stops listening (when the command ends without a signal, e.g. a failed start). */
  dispose(): void;
}

/**
 * Listens at once — before anything is printed that could prompt a signal — so no Ctrl-C meets the default
 * handler. What is still in flight when the deadline passes is not lost: its messages were never deleted and come
 * back after their visibility timeout.
 */
export function stopOnSignal(options: ShutdownOptions): SignalWatch {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const deadlineMs = options.deadlineMs ?? 4_500;
  let stopping = false;
  let listener: ((signal: NodeJS.Signals) => void) | undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
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
    listener = onSignal;
    for (const s of signals) process.on(s, onSignal);
  });
  return {
    stopped,
    requested: () => stopping,
    dispose() {
      if (listener) for (const s of signals) process.off(s, listener);
    },
  };
}
