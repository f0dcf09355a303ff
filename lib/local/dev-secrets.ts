// Development webhook secrets for sandbox mode: generated in each scheme's own format, kept in one JSON file.
import { randomBytes as nodeRandomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { VerifyScheme } from '../sources/index.ts';

export type RandomBytes = (size: number) => Buffer;

/**
 * A secret in the shape the real sender hands out, so a pasted one looks familiar and the verifier parses it:
 * Stripe signs with the whole `whsec_…` string, Standard Webhooks decodes the base64 after `whsec_`, HubSpot app
 * secrets are UUIDs, Paddle's are `pdl_ntfset_…`, basic auth needs `user:password`.
 */
export function generateDevSecret(scheme: VerifyScheme, random: RandomBytes = nodeRandomBytes): string {
  switch (scheme) {
    case 'stripe':
      return `whsec_${random(24).toString('hex')}`;
    case 'standard-webhooks':
      return `whsec_${random(24).toString('base64')}`;
    case 'hubspot-v3':
      return uuidFrom(random(16));
    case 'paddle':
      return `pdl_ntfset_${random(16).toString('hex')}`;
    case 'basic-auth':
      return `dev:${random(18).toString('base64url')}`;
    case 'hmac':
    case 'shared-token':
      return random(32).toString('hex');
  }
}

/** A version-4 UUID from 16 random bytes (what `randomUUID` makes, but with the injected source). */
function uuidFrom(bytes: Buffer): string {
  if (bytes.length !== 16) return randomUUID();
  const b = Buffer.from(bytes);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The saved secrets (name → value); none when the file does not exist yet. */
export function readDevSecrets(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`${path} is not valid JSON: delete it and a new one is generated`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${path} must be a JSON object of secret name → value`);
  }
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string' && value !== '') secrets[name] = value;
  }
  return secrets;
}

/** Writes atomically (temp file + rename) and readable by the owner only: these are still secrets. */
export function writeDevSecrets(path: string, secrets: Readonly<Record<string, string>>): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}
