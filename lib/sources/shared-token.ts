// A static token in a header or a query parameter (senders without signatures), compared in constant time.
import { constantTimeEqual } from './crypto.ts';
import { SignatureError } from './errors.ts';
import { signingSecrets } from './sign-input.ts';
import { requireHeader, requireSecrets } from './steps.ts';
import type { SchemeConfig, Signer, Verifier, WebhookRequest } from './types.ts';

type SharedTokenConfig = SchemeConfig<'shared-token'>;

/** The token from the query string; a missing parameter is reported as `missing_header` like a missing header. */
function requireQueryToken(request: WebhookRequest, name: string): string {
  let values: string[];
  try {
    values = new URL(request.url, 'http://localhost').searchParams.getAll(name);
  } catch {
    throw new SignatureError('shared-token', 'malformed_header', 'the request url cannot be parsed');
  }
  if (values.length > 1) {
    throw new SignatureError('shared-token', 'malformed_header', `query parameter ${name} is repeated`);
  }
  const [value] = values;
  if (value === undefined || value === '') {
    throw new SignatureError('shared-token', 'missing_header', `missing query parameter ${name}`);
  }
  return value;
}

function receivedToken(config: SharedTokenConfig, request: WebhookRequest): string {
  if (config.query !== undefined) return requireQueryToken(request, config.query);
  return requireHeader(request, 'shared-token', (config.header ?? '').toLowerCase());
}

export function sharedTokenVerifier(config: SharedTokenConfig): Verifier {
  return (request, secrets) => {
    const live = requireSecrets('shared-token', secrets);
    const token = receivedToken(config, request);
    let matched = false;
    for (const secret of live) matched = constantTimeEqual(token, secret) || matched;
    if (!matched) throw new SignatureError('shared-token', 'bad_signature', 'token matches no live secret');
  };
}

/** The URL with the token set as the configured query parameter (query mode); unchanged in header mode. */
export function sharedTokenUrl(config: SharedTokenConfig, url: string, secret: string): string {
  if (config.query === undefined) return url;
  const parsed = new URL(url);
  parsed.searchParams.set(config.query, secret);
  return parsed.toString();
}

/** In query mode the token travels in the URL, not a header: use `signRequest` to get that URL. */
export function sharedTokenSigner(config: SharedTokenConfig): Signer {
  return (input) => {
    const [secret] = signingSecrets('shared-token', input, false) as [string];
    if (config.header === undefined) return {};
    return { [config.header.toLowerCase()]: secret };
  };
}
