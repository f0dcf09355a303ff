// Picks the verifier and signer for a source's `verify` block; the only place that knows every scheme.
import { ConfigError } from '../errors.ts';
import { basicAuthSigner, basicAuthVerifier } from './basic-auth.ts';
import { hmacSigner, hmacVerifier } from './hmac.ts';
import { hubspotV3Signer, hubspotV3Verifier } from './hubspot-v3.ts';
import { paddleSigner, paddleVerifier } from './paddle.ts';
import { sharedTokenSigner, sharedTokenUrl, sharedTokenVerifier } from './shared-token.ts';
import {
  standardWebhooksHeaders,
  standardWebhooksSigner,
  standardWebhooksVerifier,
} from './standard-webhooks.ts';
import { stripeSigner, stripeVerifier } from './stripe.ts';
import type { Signer, SignInput, Verifier, WebhookRequest } from './types.ts';
import { type VerifyConfig, verifyConfig } from './verify-config.ts';

/** Re-validates the block (defaults filled, tolerance present) so a hand-built config cannot skip a check. */
function checked(config: VerifyConfig): VerifyConfig {
  const result = verifyConfig.safeParse(config);
  if (result.success) return result.data;
  throw new ConfigError(
    'invalid verify config',
    result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

/**
 * The headers the rules see once a request is verified: for Standard Webhooks, the verified set under its
 * `webhook-` names (a Svix sender's `svix-id` is then the `webhook-id` a rule reads); for other schemes, as sent.
 */
export function verifiedHeaders(config: VerifyConfig, request: WebhookRequest): Record<string, string> {
  return config.scheme === 'standard-webhooks' ? standardWebhooksHeaders(request) : request.headers;
}

export function createVerifier(config: VerifyConfig): Verifier {
  const valid = checked(config);
  switch (valid.scheme) {
    case 'stripe':
      return stripeVerifier(valid);
    case 'hubspot-v3':
      return hubspotV3Verifier(valid);
    case 'standard-webhooks':
      return standardWebhooksVerifier(valid);
    case 'paddle':
      return paddleVerifier(valid);
    case 'hmac':
      return hmacVerifier(valid);
    case 'basic-auth':
      return basicAuthVerifier(valid);
    case 'shared-token':
      return sharedTokenVerifier(valid);
  }
}

export function createSigner(config: VerifyConfig): Signer {
  const valid = checked(config);
  switch (valid.scheme) {
    case 'stripe':
      return stripeSigner(valid);
    case 'hubspot-v3':
      return hubspotV3Signer(valid);
    case 'standard-webhooks':
      return standardWebhooksSigner(valid);
    case 'paddle':
      return paddleSigner(valid);
    case 'hmac':
      return hmacSigner(valid);
    case 'basic-auth':
      return basicAuthSigner(valid);
    case 'shared-token':
      return sharedTokenSigner(valid);
  }
}

/**
 * Headers plus the URL to send to: the same as `createSigner`, except that a `shared-token` source in query
 * mode gets its token in the URL. For the `send` CLI and tests that post whole requests.
 */
export function createRequestSigner(
  config: VerifyConfig,
): (input: SignInput & { url: string }) => { headers: Record<string, string>; url: string } {
  const valid = checked(config);
  const sign = createSigner(valid);
  return (input) => {
    const headers = sign(input);
    if (valid.scheme !== 'shared-token') return { headers, url: input.url };
    const secret = typeof input.secret === 'string' ? input.secret : (input.secret[0] ?? '');
    return { headers, url: sharedTokenUrl(valid, input.url, secret) };
  };
}
