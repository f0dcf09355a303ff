// Secrets from environment variables (local mode and `.env`): each secret name is a variable.
import type { Env } from '../config/read-env.ts';
import { SecretMissingError } from './errors.ts';
import { parseSecretValue, type SecretSource } from './secret-source.ts';

/** Reads `env` on every call, so a test or a `.env` reload that changes the object is seen at once. */
export function envSecretSource(env: Env): SecretSource {
  return {
    async get(name) {
      const value = env[name];
      if (value === undefined || value.trim() === '') throw new SecretMissingError(name, 'the environment');
      return parseSecretValue(name, value);
    },
  };
}
