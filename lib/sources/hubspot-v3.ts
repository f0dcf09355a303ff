// HubSpot v3: `X-HubSpot-Signature-v3` = base64 HMAC-SHA256 of method + URI + body + `X-HubSpot-Request-Timestamp` (ms).
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import { hmacDigest, type SignedContent } from './crypto.ts';
import { signingSecrets } from './sign-input.ts';
import { assertAnySignatureMatches, requireHeader, requireSecrets } from './steps.ts';
import { checkTimestamp, parseTimestamp } from './timestamp.ts';
import type { SchemeConfig, Signer, Verifier } from './types.ts';

const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';

/** The escapes HubSpot's docs say to decode before hashing; every other escape stays as sent. */
const DECODED_ESCAPES = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/**
 * The URI as HubSpot signs it: the full URL (scheme, host, path, query) with only the escapes
 * `%3A : %2F / %3F ? %40 @ %21 ! %24 $ %27 ' %28 ( %29 ) %2A * %2C , %3B ;` decoded.
 */
export function hubspotSignedUri(url: string): string {
  return url.replace(DECODED_ESCAPES, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

export function hubspotSignedContent(
  method: string,
  url: string,
  rawBody: Uint8Array | string,
  timestampText: string,
): SignedContent {
  return [method.toUpperCase(), hubspotSignedUri(url), rawBody, timestampText];
}

export function hubspotSignature(clientSecret: string, content: SignedContent): string {
  return hmacDigest('sha256', clientSecret, content).toString('base64');
}

/** `request.url` must be the public URL HubSpot called (rebuild it behind API Gateway), or nothing matches. */
export function hubspotV3Verifier(config: SchemeConfig<'hubspot-v3'>): Verifier {
  return (request, secrets, now) => {
    const live = requireSecrets('hubspot-v3', secrets);
    const signature = requireHeader(request, 'hubspot-v3', SIGNATURE_HEADER);
    const timestampText = requireHeader(request, 'hubspot-v3', TIMESTAMP_HEADER);
    const timestamp = parseTimestamp('hubspot-v3', timestampText, TIMESTAMP_HEADER);
    const content = hubspotSignedContent(request.method, request.url, request.rawBody, timestampText);
    const expected = live.map((secret) => hubspotSignature(secret, content));
    assertAnySignatureMatches('hubspot-v3', [signature], expected);
    checkTimestamp('hubspot-v3', timestamp, 'milliseconds', now, config.tolerance_seconds);
  };
}

/**
 * Adds the v3 pair and, as HubSpot does on app webhooks, the legacy v1 header (plain SHA-256 of
 * secret + body), which the verifier ignores because it carries no timestamp.
 */
export function hubspotV3Signer(_config: SchemeConfig<'hubspot-v3'>): Signer {
  return (input) => {
    if (input.url === undefined) throw new ConfigError('hubspot-v3: signing needs the request url');
    const [secret] = signingSecrets('hubspot-v3', input, false) as [string];
    const ms = input.now.getTime();
    if (!Number.isFinite(ms)) throw new TypeError('signing needs a valid `now`');
    const timestampText = String(Math.floor(ms));
    const content = hubspotSignedContent(input.method ?? 'POST', input.url, input.rawBody, timestampText);
    const v1 = createHash('sha256').update(secret).update(input.rawBody).digest('hex');
    return {
      [SIGNATURE_HEADER]: hubspotSignature(secret, content),
      [TIMESTAMP_HEADER]: timestampText,
      'x-hubspot-signature': v1,
      'x-hubspot-signature-version': 'v1',
    };
  };
}
