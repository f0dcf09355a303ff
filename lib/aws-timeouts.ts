// Bounds on every AWS SDK call the functions make (SQS, DynamoDB, Secrets Manager). Without them a hung endpoint
// held an ingest request for 90 s; with them it fails as a retryable error (503 with Retry-After) well inside
// the ingest function's 10 s timeout.

/** Per attempt: connecting, then waiting for the response. */
export const AWS_CONNECTION_TIMEOUT_MS = 1_000;
export const AWS_REQUEST_TIMEOUT_MS = 2_500;
/** One SDK retry: 2 × (1 s + 2.5 s) plus backoff stays under half of the ingest function's 10 s. */
export const AWS_MAX_ATTEMPTS = 2;

export interface CallTimeouts {
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/**
 * An SDK client config with the bounds filled in; what the caller sets wins (a test's shorter timeout, an
 * explicit `requestHandler`).
 */
export function withCallTimeouts<T extends object>(config: T, timeouts: CallTimeouts = {}): T {
  return {
    maxAttempts: timeouts.maxAttempts ?? AWS_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs ?? AWS_CONNECTION_TIMEOUT_MS,
      requestTimeout: timeouts.requestTimeoutMs ?? AWS_REQUEST_TIMEOUT_MS,
      // Without it the Node handler only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
    ...config,
  };
}
