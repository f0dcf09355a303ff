// Standard Webhooks (and Svix): `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<b64> …`, HMAC-SHA256 of `id.ts.body`.
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import { hmacDigest, type SignedContent, toBytes } from './crypto.ts';
import { signingSecrets, unixSeconds } from './sign-input.ts';
import {
  assertAnySignatureMatches,
  findHeader,
  requireHeader,
  requireSecrets,
  requireSignatureCount,
} from './steps.ts';
import { checkTimestamp, parseTimestamp } from './timestamp.ts';
import type { SchemeConfig, Signer, Verifier, WebhookRequest } from './types.ts';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The HMAC key of a `whsec_…` secret: the base64 after the (optional) prefix, padded or not. Unlike Stripe's
 * `whsec_` secrets, these are decoded. A secret that is not base64 is a configuration error, not a bad request.
 */
export function standardWebhooksKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const unpadded = encoded.replace(/=+$/, '');
  if (!BASE64.test(encoded) || unpadded.length % 4 === 1 || unpadded.length === 0) {
    throw new ConfigError('standard-webhooks: a secret is not base64 (after its optional prefix)');
  }
  return Buffer.from(unpadded, 'base64');
}

type StandardHeader = 'id' | 'timestamp' | 'signature';
const STANDARD_HEADERS: readonly StandardHeader[] = ['id', 'timestamp', 'signature'];

/** Which name carries a header: `webhook-…`, or the `svix-…` name Svix (a Standard Webhooks sender) also uses. */
function standardHeaderName(request: WebhookRequest, name: StandardHeader): string {
  const svix = findHeader(request, `svix-${name}`);
  if (findHeader(request, `webhook-${name}`) === undefined && svix !== undefined) return `svix-${name}`;
  return `webhook-${name}`;
}

function requireStandardHeader(request: WebhookRequest, name: StandardHeader): string {
  return requireHeader(request, 'standard-webhooks', standardHeaderName(request, name));
}

/**
 * The request's headers with the ones the verifier read also under their `webhook-` names, so a rule reading
 * the event id from `webhook-id` gets the id that was signed, whether the sender used the webhook- or svix- set.
 */
export function standardWebhooksHeaders(request: WebhookRequest): Record<string, string> {
  const headers = { ...request.headers };
  for (const name of STANDARD_HEADERS) {
    const value = findHeader(request, standardHeaderName(request, name))?.trim();
    if (value !== undefined && value !== '') headers[`webhook-${name}`] = value;
  }
  return headers;
}

/** The `v1` signatures of a space-separated list; other versions (`v1a` ed25519, future ones) are skipped. */
export function parseStandardSignatures(value: string): string[] {
  const signatures: string[] = [];
  for (const entry of value.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0) continue;
    if (entry.slice(0, comma) === 'v1') signatures.push(entry.slice(comma + 1));
  }
  requireSignatureCount('standard-webhooks', 'webhook-signature (v1)', signatures.length);
  return signatures;
}

export function standardSignedContent(
  id: string,
  timestampText: string,
  rawBody: Uint8Array | string,
): SignedContent {
  return [id, '.', timestampText, '.', rawBody];
}

export function standardSignature(key: Uint8Array, content: SignedContent): string {
  return hmacDigest('sha256', key, content).toString('base64');
}

export function standardWebhooksVerifier(config: SchemeConfig<'standard-webhooks'>): Verifier {
  return (request, secrets, now) => {
    const keys = requireSecrets('standard-webhooks', secrets).map(standardWebhooksKey);
    const id = requireStandardHeader(request, 'id');
    const timestampText = requireStandardHeader(request, 'timestamp');
    const timestamp = parseTimestamp('standard-webhooks', timestampText, 'webhook-timestamp');
    const signatures = parseStandardSignatures(requireStandardHeader(request, 'signature'));
    const content = standardSignedContent(id, timestampText, request.rawBody);
    const expected = keys.map((key) => standardSignature(key, content));
    assertAnySignatureMatches('standard-webhooks', signatures, expected);
    checkTimestamp('standard-webhooks', timestamp, 'seconds', now, config.tolerance_seconds);
  };
}

/** A deterministic `webhook-id` when the caller gives none: the same body at the same second is the same message. */
function derivedMessageId(rawBody: Uint8Array | string, timestampText: string): string {
  const digest = createHash('sha256').update(timestampText).update(toBytes(rawBody)).digest('hex');
  return `msg_${digest.slice(0, 24)}`;
}

export function standardWebhooksSigner(_config: SchemeConfig<'standard-webhooks'>): Signer {
  return (input) => {
    const timestampText = String(unixSeconds(input.now));
    const id = input.eventId ?? derivedMessageId(input.rawBody, timestampText);
    if (id === '' || id.includes('.')) {
      throw new ConfigError('standard-webhooks: a webhook-id must be non-empty and contain no "."');
    }
    const content = standardSignedContent(id, timestampText, input.rawBody);
    const signatures = signingSecrets('standard-webhooks', input, true).map(
      (secret) => `v1,${standardSignature(standardWebhooksKey(secret), content)}`,
    );
    return {
      'webhook-id': id,
      'webhook-timestamp': timestampText,
      'webhook-signature': signatures.join(' '),
    };
  };
}
