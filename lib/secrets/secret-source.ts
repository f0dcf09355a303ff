// Where webhook secrets come from, and how one stored value becomes the list of secrets live during a rotation.
import { SecretInvalidError } from './errors.ts';

/** Resolves a secret name (as written in a rule file's `verify.secrets`) to every live value of that secret. */
export interface SecretSource {
  /** Throws `SecretMissingError` when the name has no value, `SecretsUnavailableError` when the store is down. */
  get(name: string): Promise<readonly string[]>;
}

/**
 * A stored value is one secret (`whsec_…`) or, during a rotation, a JSON array of secrets (`["whsec_new",
 * "whsec_old"]`). A value from a JSON document may already be an array. Surrounding whitespace is not part of a
 * secret: `.env` files and consoles add it, senders never sign with it.
 */
export function parseSecretValue(name: string, value: unknown): readonly string[] {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) return parseSecretValue(name, parseJsonArray(name, trimmed));
    if (trimmed === '') throw new SecretInvalidError(name, 'the value is empty');
    return [trimmed];
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new SecretInvalidError(name, 'the list of secrets is empty');
    return value.map((item, index) => {
      if (typeof item !== 'string' || item.trim() === '') {
        throw new SecretInvalidError(name, `item ${index} of the list is not a non-empty string`);
      }
      return item.trim();
    });
  }
  throw new SecretInvalidError(name, `expected a string or a list of strings, got ${describe(value)}`);
}

function parseJsonArray(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SecretInvalidError(name, 'the value starts with "[" but is not a JSON array');
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
