// The secrets module's error family: a named secret that is missing, malformed or cannot be fetched right now.
import { BridgeError } from '../errors.ts';

/**
 * A secret name a source's `verify` block lists has no value. The message names the variable (for the log);
 * never the value. Ingest answers 500 `secret_missing`: it is a deployment problem, not the sender's.
 */
export class SecretMissingError extends BridgeError {
  readonly secretName: string;

  constructor(secretName: string, where: string) {
    super('secret_missing', `webhook secret ${secretName} is not set in ${where}`, {
      retryable: false,
      status: 500,
    });
    this.secretName = secretName;
  }
}

/** A secret's value is neither a non-empty string nor a JSON array of non-empty strings. */
export class SecretInvalidError extends BridgeError {
  readonly secretName: string;

  constructor(secretName: string, problem: string) {
    // `problem` is ours, never a parser message: those quote the input, which here is the secret.
    super('secret_invalid', `webhook secret ${secretName} is invalid: ${problem}`, {
      retryable: false,
      status: 500,
    });
    this.secretName = secretName;
  }
}

/** The secret store could not be read (network, throttling, permissions); a later attempt may succeed. */
export class SecretsUnavailableError extends BridgeError {
  constructor(message: string, cause?: unknown) {
    super('secrets_unavailable', message, { retryable: true, status: 503, cause });
  }
}
