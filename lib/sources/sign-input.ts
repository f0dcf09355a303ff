// Shared checks for signers: which secrets to sign with and the sender's clock reading.
import { ConfigError } from '../errors.ts';
import type { SignInput } from './types.ts';
import type { VerifyScheme } from './verify-config.ts';

/**
 * The secrets to sign with. `multiple` schemes put one signature per secret in the header (a sender
 * rotating its secret); the others accept exactly one.
 */
export function signingSecrets(scheme: VerifyScheme, input: SignInput, multiple: boolean): string[] {
  const list = typeof input.secret === 'string' ? [input.secret] : [...input.secret];
  if (list.length === 0 || list.some((secret) => secret.length === 0)) {
    throw new ConfigError(`${scheme}: signing needs a non-empty secret`);
  }
  if (!multiple && list.length > 1) {
    throw new ConfigError(`${scheme}: the sender signs with one secret at a time`);
  }
  return list;
}

export function unixSeconds(now: Date): number {
  const ms = now.getTime();
  if (!Number.isFinite(ms)) throw new TypeError('signing needs a valid `now`');
  return Math.floor(ms / 1000);
}
