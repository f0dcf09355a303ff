// Pipeline steps every verifier shares: read a required header, take the live secrets, compare signatures.
import { anyEqual } from './crypto.ts';
import { SignatureError } from './errors.ts';
import type { WebhookRequest } from './types.ts';
import type { VerifyScheme } from './verify-config.ts';

/** Longer signature headers are refused before parsing: no sender needs them and they only cost CPU. */
export const MAX_HEADER_LENGTH = 8192;
/** Most signatures read from one header (rotation needs two or three). */
export const MAX_SIGNATURES = 16;

/** A header by lower-case name; tolerates a caller that forgot to lower-case the names. */
export function findHeader(request: WebhookRequest, name: string): string | undefined {
  const direct = request.headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** The trimmed value of a required header; empty counts as missing. */
export function requireHeader(request: WebhookRequest, scheme: VerifyScheme, name: string): string {
  const value = findHeader(request, name)?.trim();
  if (value === undefined || value === '') {
    throw new SignatureError(scheme, 'missing_header', `missing ${name} header`);
  }
  if (value.length > MAX_HEADER_LENGTH) {
    throw new SignatureError(
      scheme,
      'malformed_header',
      `${name} header is longer than ${MAX_HEADER_LENGTH}`,
    );
  }
  return value;
}

/** The non-empty secrets; none means the source cannot be verified, which fails closed. */
export function requireSecrets(scheme: VerifyScheme, secrets: readonly string[]): string[] {
  const live = secrets.filter((secret) => typeof secret === 'string' && secret.length > 0);
  if (live.length === 0) throw new SignatureError(scheme, 'no_secret', 'no secret is configured');
  return live;
}

export function requireSignatureCount(scheme: VerifyScheme, header: string, count: number): void {
  if (count === 0) throw new SignatureError(scheme, 'malformed_header', `${header} holds no signature`);
  if (count > MAX_SIGNATURES) {
    throw new SignatureError(
      scheme,
      'malformed_header',
      `${header} holds more than ${MAX_SIGNATURES} signatures`,
    );
  }
}

/** Passes when any signature from the request equals any signature computed with a live secret. */
export function assertAnySignatureMatches(
  scheme: VerifyScheme,
  received: readonly string[],
  expected: readonly string[],
): void {
  if (!anyEqual(received, expected)) {
    throw new SignatureError(scheme, 'bad_signature', 'no signature matches a live secret');
  }
}
