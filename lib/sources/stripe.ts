// Stripe: `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=…]`, HMAC-SHA256 of `t.body` keyed with the whole `whsec_…` string.
import { hmacDigest, type SignedContent } from './crypto.ts';
import { SignatureError } from './errors.ts';
import { signingSecrets, unixSeconds } from './sign-input.ts';
import { assertAnySignatureMatches, requireHeader, requireSecrets, requireSignatureCount } from './steps.ts';
import { checkTimestamp, parseTimestamp } from './timestamp.ts';
import type { SchemeConfig, Signer, Verifier } from './types.ts';

const HEADER = 'stripe-signature';

export interface StripeSignatureHeader {
  /** The `t` value exactly as sent; it is part of the signed content. */
  timestampText: string;
  timestamp: number;
  /** Every `v1` value; `v0` and unknown schemes are ignored, as stripe-node does. */
  signatures: string[];
}

export function parseStripeHeader(value: string): StripeSignatureHeader {
  let timestampText: string | undefined;
  const signatures: string[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const text = item.slice(eq + 1).trim();
    if (key === 't') {
      if (timestampText !== undefined) {
        throw new SignatureError('stripe', 'malformed_header', `${HEADER} holds more than one t=`);
      }
      timestampText = text;
    } else if (key === 'v1') {
      signatures.push(text);
    }
  }
  if (timestampText === undefined) {
    throw new SignatureError('stripe', 'malformed_header', `${HEADER} has no t= timestamp`);
  }
  const timestamp = parseTimestamp('stripe', timestampText, `${HEADER} t=`);
  requireSignatureCount('stripe', `${HEADER} (v1)`, signatures.length);
  return { timestampText, timestamp, signatures };
}

export function stripeSignedContent(timestampText: string, rawBody: Uint8Array | string): SignedContent {
  return [timestampText, '.', rawBody];
}

export function stripeSignature(secret: string, content: SignedContent): string {
  // The key is the secret string itself, `whsec_` included: Stripe does not base64-decode it.
  return hmacDigest('sha256', secret, content).toString('hex');
}

export function stripeVerifier(config: SchemeConfig<'stripe'>): Verifier {
  return (request, secrets, now) => {
    const live = requireSecrets('stripe', secrets);
    const header = parseStripeHeader(requireHeader(request, 'stripe', HEADER));
    const content = stripeSignedContent(header.timestampText, request.rawBody);
    const expected = live.map((secret) => stripeSignature(secret, content));
    assertAnySignatureMatches('stripe', header.signatures, expected);
    // After the signature, so a forged request is reported as forged rather than as stale.
    checkTimestamp('stripe', header.timestamp, 'seconds', now, config.tolerance_seconds);
  };
}

export function stripeSigner(_config: SchemeConfig<'stripe'>): Signer {
  return (input) => {
    const timestampText = String(unixSeconds(input.now));
    const content = stripeSignedContent(timestampText, input.rawBody);
    const signatures = signingSecrets('stripe', input, true).map(
      (secret) => `v1=${stripeSignature(secret, content)}`,
    );
    return { [HEADER]: [`t=${timestampText}`, ...signatures].join(',') };
  };
}
