// Which sources must be sent as JSON, and whether a Content-Type header says JSON.
import type { VerifyScheme } from '../sources/index.ts';

/**
 * Senders of these schemes always post JSON, so any other content type is not the sender and gets 415 before
 * the body is read. The generic schemes (hmac, basic-auth, shared-token) front senders that are configurable
 * (GitHub can post form-encoded bodies): for them the body itself decides, and a non-JSON body is a 400.
 */
const JSON_SCHEMES: ReadonlySet<VerifyScheme> = new Set([
  'stripe',
  'hubspot-v3',
  'standard-webhooks',
  'paddle',
]);

export function schemeNeedsJson(scheme: VerifyScheme): boolean {
  return JSON_SCHEMES.has(scheme);
}

/** `application/json` or any `application/*+json`, parameters (`; charset=utf-8`) ignored. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const mediaType = (header.split(';', 1)[0] ?? '').trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType);
}
