// Plain HMAC of the body in one header (GitHub `sha256=<hex>`, Shopify base64, Intercom `sha1=`): no timestamp, so no replay window.
import { hmacDigest } from './crypto.ts';
import { SignatureError } from './errors.ts';
import { signingSecrets } from './sign-input.ts';
import { assertAnySignatureMatches, requireHeader, requireSecrets } from './steps.ts';
import type { SchemeConfig, Signer, Verifier } from './types.ts';

export function hmacSignature(
  config: SchemeConfig<'hmac'>,
  secret: string,
  rawBody: Uint8Array | string,
): string {
  return hmacDigest(config.algorithm, secret, [rawBody]).toString(config.encoding);
}

export function hmacVerifier(config: SchemeConfig<'hmac'>): Verifier {
  const header = config.header.toLowerCase();
  return (request, secrets) => {
    const live = requireSecrets('hmac', secrets);
    const value = requireHeader(request, 'hmac', header);
    if (!value.startsWith(config.prefix)) {
      throw new SignatureError(
        'hmac',
        'malformed_header',
        `${header} does not start with the configured prefix`,
      );
    }
    const signature = value.slice(config.prefix.length);
    const expected = live.map((secret) => hmacSignature(config, secret, request.rawBody));
    assertAnySignatureMatches('hmac', [signature], expected);
  };
}

export function hmacSigner(config: SchemeConfig<'hmac'>): Signer {
  const header = config.header.toLowerCase();
  return (input) => {
    const [secret] = signingSecrets('hmac', input, false) as [string];
    return { [header]: `${config.prefix}${hmacSignature(config, secret, input.rawBody)}` };
  };
}
