// The root of every typed error in the bridge: each says whether retrying can help and which HTTP status fits it.

export interface BridgeErrorOptions {
  /** True when the same request may succeed later without any change (throttling, outages, timeouts). */
  retryable: boolean;
  /** The HTTP status that best describes the failure when it has to be surfaced over HTTP. */
  status?: number;
  cause?: unknown;
}

/**
 * Every error of the bridge is built the same way: `(code, message, options)`. `code` is the machine-readable
 * reason, stable across releases (e.g. `bad_signature`, `rate_limited`); subclasses add their own data to options.
 */
export class BridgeError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly status: number;

  constructor(code: string, message: string, options: BridgeErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable;
    this.status = options.status ?? (options.retryable ? 503 : 500);
  }
}

/** A problem the user can fix in their configuration (env, rule files, sync files, CLI flags). */
export class ConfigError extends BridgeError {
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [], cause?: unknown) {
    super(
      'invalid_config',
      problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message,
      {
        retryable: false,
        status: 500,
        cause,
      },
    );
    this.problems = problems;
  }
}
