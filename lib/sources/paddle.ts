// Paddle Billing: `Paddle-Signature: ts=<unix s>;h1=<hex>[;h1=…]`, HMAC-SHA256 of `ts:body` keyed with the `pdl_ntfset_…` secret.
import { hmacDigest, type SignedContent } from './crypto.ts';
import { SignatureError } from './errors.ts';
import { signingSecrets, unixSeconds } from './sign-input.ts';
import { assertAnySignatureMatches, requireHeader, requireSecrets, requireSignatureCount } from './steps.ts';
import { checkTimestamp, parseTimestamp } from './timestamp.ts';
import type { SchemeConfig, Signer, Verifier } from './types.ts';

const HEADER = 'paddle-signature';

export interface PaddleSignatureHeader {
  timestampText: string;
  timestamp: number;
  /** Every `h1` value. Paddle's SDKs disagree (Go rejects several, Node keeps the last); any one may match here. */
  signatures: string[];
}

export function parsePaddleHeader(value: string): PaddleSignatureHeader {
  let timestampText: string | undefined;
  const signatures: string[] = [];
  for (const item of value.split(';')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const text = item.slice(eq + 1).trim();
    if (key === 'ts') {
      if (timestampText !== undefined) {
        throw new SignatureError('paddle', 'malformed_header', `${HEADER} holds more than one ts=`);
      }
      timestampText = text;
    } else if (key === 'h1') {
      signatures.push(text);
    }
  }
  if (timestampText === undefined) {
    throw new SignatureError('paddle', 'malformed_header', `${HEADER} has no ts= timestamp`);
  }
  const timestamp = parseTimestamp('paddle', timestampText, `${HEADER} ts=`);
  requireSignatureCount('paddle', `${HEADER} (h1)`, signatures.length);
  return { timestampText, timestamp, signatures };
}

export function paddleSignedContent(timestampText: string, rawBody: Uint8Array | string): SignedContent {
  return [timestampText, ':', rawBody];
}

export function paddleSignature(secret: string, content: SignedContent): string {
  return hmacDigest('sha256', secret, content).toString('hex');
}

/**
 * Paddle's SDKs allow only 5 s (one-sided); the rule file's tolerance (default 300 s, both ways) applies here,
 * because a 5 s window rejects legitimate deliveries to a cold-starting function.
 */
export function paddleVerifier(config: SchemeConfig<'paddle'>): Verifier {
  return (request, secrets, now) => {
    const live = requireSecrets('paddle', secrets);
    const header = parsePaddleHeader(requireHeader(request, 'paddle', HEADER));
    const content = paddleSignedContent(header.timestampText, request.rawBody);
    const expected = live.map((secret) => paddleSignature(secret, content));
    assertAnySignatureMatches('paddle', header.signatures, expected);
    checkTimestamp('paddle', header.timestamp, 'seconds', now, config.tolerance_seconds);
  };
}

export function paddleSigner(_config: SchemeConfig<'paddle'>): Signer {
  return (input) => {
    const timestampText = String(unixSeconds(input.now));
    const content = paddleSignedContent(timestampText, input.rawBody);
    const signatures = signingSecrets('paddle', input, true).map(
      (secret) => `h1=${paddleSignature(secret, content)}`,
    );
    return { [HEADER]: [`ts=${timestampText}`, ...signatures].join(';') };
  };
}
