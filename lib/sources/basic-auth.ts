// HTTP Basic auth set up on the sender's side (Chargebee, Pipedrive): the secret is `user:password`.
import { ConfigError } from '../errors.ts';
import { constantTimeEqual } from './crypto.ts';
import { SignatureError } from './errors.ts';
import { signingSecrets } from './sign-input.ts';
import { requireHeader, requireSecrets } from './steps.ts';
import type { SchemeConfig, Signer, Verifier } from './types.ts';

const HEADER = 'authorization';
const BASIC = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})$/i;

/** The `user:password` in an `Authorization: Basic …` value. */
export function parseBasicAuthorization(value: string): string {
  const match = BASIC.exec(value);
  const credentials = match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64').toString('utf8');
  if (credentials === undefined || !credentials.includes(':')) {
    throw new SignatureError('basic-auth', 'malformed_header', 'authorization is not Basic user:password');
  }
  return credentials;
}

function requireCredentialSecrets(secrets: readonly string[]): string[] {
  const live = requireSecrets('basic-auth', secrets);
  if (live.some((secret) => !secret.includes(':'))) {
    throw new ConfigError('basic-auth: each secret must be `user:password`');
  }
  return live;
}

export function basicAuthVerifier(_config: SchemeConfig<'basic-auth'>): Verifier {
  return (request, secrets) => {
    const live = requireCredentialSecrets(secrets);
    const credentials = parseBasicAuthorization(requireHeader(request, 'basic-auth', HEADER));
    let matched = false;
    for (const secret of live) matched = constantTimeEqual(credentials, secret) || matched;
    if (!matched) throw new SignatureError('basic-auth', 'bad_signature', 'credentials match no live secret');
  };
}

export function basicAuthSigner(_config: SchemeConfig<'basic-auth'>): Signer {
  return (input) => {
    const [secret] = requireCredentialSecrets(signingSecrets('basic-auth', input, false));
    return { [HEADER]: `Basic ${Buffer.from(secret as string, 'utf8').toString('base64')}` };
  };
}
