// Secrets from AWS Secrets Manager: the one adapter that loads the SDK (through Powertools' SecretsProvider).
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { withCallTimeouts } from '../aws-timeouts.ts';
import { SecretInvalidError, SecretMissingError, SecretsUnavailableError } from './errors.ts';
import { parseSecretValue, type SecretSource } from './secret-source.ts';

export interface SecretsManagerSecretSourceOptions {
  /** Name or ARN of ONE secret whose SecretString is a JSON object keyed by secret name. */
  secretId: string;
  /**
   * How long a fetched value is reused. A rotated secret is picked up at most this long after the change,
   * without a deploy; keep it well under the overlap during which the sender signs with both secrets.
   */
  maxAgeSeconds: number;
  /** SDK client config (`endpoint` for an emulator, `region`); defaults come from the Lambda environment. */
  clientConfig?: SecretsManagerClientConfig;
  /**
   * A secret that holds one value rather than a JSON document (the Userflow API key may be stored bare): a
   * SecretString that does not start with `{` is the value of this name.
   */
  bareValueName?: string;
}

/**
 * The JSON document looks like `{"STRIPE_WEBHOOK_SECRET": "whsec_…", "PORTAL_SECRETS": ["whsec_a", "whsec_b"]}`;
 * a value may also be a string holding a JSON array, as in the env adapter.
 */
export function secretsManagerSecretSource(options: SecretsManagerSecretSourceOptions): SecretSource {
  // Bounded calls: a hung Secrets Manager answers 503 secrets_unavailable instead of holding the request.
  const provider = new SecretsProvider({ clientConfig: withCallTimeouts(options.clientConfig ?? {}) });
  const where = `the Secrets Manager secret ${options.secretId}`;
  // Parsing is memoised on the fetched string, so a cache hit costs no JSON.parse.
  let parsedFrom: string | undefined;
  let parsed: Record<string, unknown> = {};

  async function document(): Promise<Record<string, unknown>> {
    let value: string | Uint8Array | undefined;
    try {
      value = await provider.get(options.secretId, { maxAge: options.maxAgeSeconds });
    } catch (error) {
      // The SDK error names the operation and the secret id, never the value; keep it as the cause only.
      throw new SecretsUnavailableError(`could not read ${where}`, error);
    }
    const text = typeof value === 'string' ? value : value ? new TextDecoder().decode(value) : '';
    if (text !== parsedFrom) {
      parsed =
        options.bareValueName && !text.trim().startsWith('{')
          ? { [options.bareValueName]: text }
          : parseDocument(options.secretId, text);
      parsedFrom = text;
    }
    return parsed;
  }

  return {
    async get(name) {
      const doc = await document();
      const value = Object.hasOwn(doc, name) ? doc[name] : undefined;
      if (value === undefined || value === null || value === '') throw new SecretMissingError(name, where);
      return parseSecretValue(name, value);
    },
  };
}

function parseDocument(secretId: string, text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the input, which is the secret.
    throw new SecretInvalidError(secretId, 'the SecretString is not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new SecretInvalidError(secretId, 'the SecretString is not a JSON object keyed by secret name');
  }
  return doc as Record<string, unknown>;
}
