// Scheme-specific parsing rules: ignored versions, several signatures, URI decoding, prefixes, query tokens.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors.ts';
import {
  createRequestSigner,
  createSigner,
  createVerifier,
  hubspotSignedUri,
  SignatureError,
  type VerifyConfig,
  verifyConfig,
  type WebhookRequest,
} from '../../../lib/sources/index.ts';
import { signedWebhookRequest } from '../../helpers/signed-request.ts';
import { utf8 } from './vectors.ts';

const NOW = new Date('2025-05-29T10:00:00Z');
const BODY = '{"id":"evt_1","type":"customer.created"}';

function reason(config: VerifyConfig, request: WebhookRequest, secrets: readonly string[]): string {
  try {
    createVerifier(config)(request, secrets, NOW);
    return 'accepted';
  } catch (error) {
    if (error instanceof SignatureError) return error.reason;
    throw error;
  }
}

const request = (
  headers: Record<string, string>,
  body = BODY,
  url = 'https://x.test/hook',
): WebhookRequest => ({
  method: 'POST',
  url,
  headers,
  rawBody: utf8(body),
});

describe('stripe header parsing', () => {
  const config = verifyConfig.parse({ scheme: 'stripe', secrets: ['S'] });
  const header = createSigner(config)({ rawBody: BODY, secret: 'whsec_a', now: NOW })[
    'stripe-signature'
  ] as string;
  const [t, v1] = header.split(',') as [string, string];
  const bogus = `v1=${'0'.repeat(64)}`;

  it('ignores v0 and unknown schemes next to a valid v1', () => {
    const value = `${t},v0=${'a'.repeat(64)},${v1},v9=zzz,junk`;
    expect(reason(config, request({ 'stripe-signature': value }), ['whsec_a'])).toBe('accepted');
  });

  it('accepts a valid v1 in any position among several', () => {
    expect(reason(config, request({ 'stripe-signature': `${t},${bogus},${v1}` }), ['whsec_a'])).toBe(
      'accepted',
    );
    expect(reason(config, request({ 'stripe-signature': `${t},${v1},${bogus}` }), ['whsec_a'])).toBe(
      'accepted',
    );
  });

  it('tolerates spaces after the commas', () => {
    expect(reason(config, request({ 'stripe-signature': `${t}, ${v1}` }), ['whsec_a'])).toBe('accepted');
  });

  it('refuses two t= values, since either could be the signed one', () => {
    expect(reason(config, request({ 'stripe-signature': `${t},t=1,${v1}` }), ['whsec_a'])).toBe(
      'malformed_header',
    );
  });

  it('refuses more than 16 signatures', () => {
    const many = Array.from({ length: 17 }, () => bogus).join(',');
    expect(reason(config, request({ 'stripe-signature': `${t},${many},${v1}` }), ['whsec_a'])).toBe(
      'malformed_header',
    );
  });

  it('refuses a header over 8 KiB before parsing it', () => {
    const padded = `${t},${v1},x=${'a'.repeat(8200)}`;
    expect(reason(config, request({ 'stripe-signature': padded }), ['whsec_a'])).toBe('malformed_header');
  });

  it('uses the whsec_ secret verbatim, not base64-decoded as Standard Webhooks does', () => {
    expect(reason(config, request({ 'stripe-signature': header }), ['a'])).toBe('bad_signature');
  });
});

describe('hubspot-v3 URI', () => {
  const config = verifyConfig.parse({ scheme: 'hubspot-v3', secrets: ['S'] });

  it('decodes exactly the escapes HubSpot lists, in either case, and keeps the rest', () => {
    expect(hubspotSignedUri('https://h.test/p%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B?q=%3a%2f%20%2B%25')).toBe(
      "https://h.test/p:/?@!$'()*,;?q=:/%20%2B%25",
    );
  });

  it('verifies a request whose URL carries encoded characters against the decoded signature', () => {
    const url = 'https://bridge.example.com/webhooks/hubspot?next=https%3A%2F%2Fapp.test%2Fx';
    const timestamp = String(NOW.getTime());
    const content = `POSThttps://bridge.example.com/webhooks/hubspot?next=https://app.test/x${BODY}${timestamp}`;
    const signature = createHmac('sha256', 'client-secret').update(content).digest('base64');
    const headers = { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
    expect(reason(config, request(headers, BODY, url), ['client-secret'])).toBe('accepted');
  });

  it('rejects a request whose host or path differs from the signed URL', () => {
    const signed = signedWebhookRequest(config, {
      body: BODY,
      secret: 'client-secret',
      now: NOW,
      url: 'https://bridge.example.com/webhooks/hubspot',
    });
    const elsewhere = { ...signed, url: 'https://bridge.example.com/webhooks/hubspot2' };
    expect(reason(config, elsewhere, ['client-secret'])).toBe('bad_signature');
    expect(reason(config, { ...signed, method: 'PUT' }, ['client-secret'])).toBe('bad_signature');
  });

  it('reads the -V3 spelling of the header name', () => {
    const signed = signedWebhookRequest(config, {
      body: BODY,
      secret: 'k',
      now: NOW,
      url: 'https://x.test/hook',
    });
    const { 'x-hubspot-signature-v3': signature = '', ...rest } = signed.headers;
    expect(
      reason(config, { ...signed, headers: { ...rest, 'X-HubSpot-Signature-V3': signature } }, ['k']),
    ).toBe('accepted');
  });

  it('needs the URL to sign', () => {
    expect(() => createSigner(config)({ rawBody: BODY, secret: 'k', now: NOW })).toThrow(ConfigError);
  });

  it('takes one secret per signature, as HubSpot has no multi-signature header', () => {
    expect(() =>
      createSigner(config)({ rawBody: BODY, secret: ['a', 'b'], now: NOW, url: 'https://x.test/' }),
    ).toThrow(ConfigError);
  });
});

describe('standard-webhooks', () => {
  const config = verifyConfig.parse({ scheme: 'standard-webhooks', secrets: ['S'] });
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const signed = signedWebhookRequest(config, { body: BODY, secret, now: NOW, eventId: 'msg_1' });

  it('skips v1a (ed25519) entries and accepts the v1 among them', () => {
    const value = `v1a,${'A'.repeat(86)}== ${signed.headers['webhook-signature']}`;
    expect(
      reason(config, { ...signed, headers: { ...signed.headers, 'webhook-signature': value } }, [secret]),
    ).toBe('accepted');
  });

  it('reads the svix- header names when the webhook- ones are absent', () => {
    const headers = {
      'svix-id': signed.headers['webhook-id'] as string,
      'svix-timestamp': signed.headers['webhook-timestamp'] as string,
      'svix-signature': signed.headers['webhook-signature'] as string,
    };
    expect(reason(config, { ...signed, headers }, [secret])).toBe('accepted');
  });

  it('signs the webhook-id: another id with the same signature is rejected', () => {
    expect(
      reason(config, { ...signed, headers: { ...signed.headers, 'webhook-id': 'msg_2' } }, [secret]),
    ).toBe('bad_signature');
  });

  it('derives the same webhook-id for the same body and second when none is given', () => {
    const sign = createSigner(config);
    const first = sign({ rawBody: BODY, secret, now: NOW });
    expect(sign({ rawBody: BODY, secret, now: new Date(NOW.getTime() + 999) })['webhook-id']).toBe(
      first['webhook-id'],
    );
    expect(sign({ rawBody: `${BODY} `, secret, now: NOW })['webhook-id']).not.toBe(first['webhook-id']);
  });

  it.each(['whsec_not base64!', 'whsec_', 'whsec_A', 'whsec_QUJD==='])(
    'treats the secret %s as a configuration error, without echoing it',
    (bad) => {
      let caught: unknown;
      try {
        createVerifier(config)(signed, [bad], NOW);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as Error).message).not.toContain(bad);
    },
  );
});

describe('paddle', () => {
  const config = verifyConfig.parse({ scheme: 'paddle', secrets: ['S'] });
  const header = createSigner(config)({ rawBody: BODY, secret: 'pdl_a', now: NOW })[
    'paddle-signature'
  ] as string;
  const [ts, h1] = header.split(';') as [string, string];
  const bogus = `h1=${'0'.repeat(64)}`;

  it('accepts a valid h1 before or after a bad one (Paddle SDKs disagree; any may match)', () => {
    expect(reason(config, request({ 'paddle-signature': `${ts};${bogus};${h1}` }), ['pdl_a'])).toBe(
      'accepted',
    );
    expect(reason(config, request({ 'paddle-signature': `${ts};${h1};${bogus}` }), ['pdl_a'])).toBe(
      'accepted',
    );
  });

  it('signs the ts:body content, not Stripe-style ts.body', () => {
    const stripeStyle = createHmac('sha256', 'pdl_a')
      .update(`${ts.slice(3)}.${BODY}`)
      .digest('hex');
    expect(reason(config, request({ 'paddle-signature': `${ts};h1=${stripeStyle}` }), ['pdl_a'])).toBe(
      'bad_signature',
    );
  });
});

describe('hmac', () => {
  const shopify = verifyConfig.parse({
    scheme: 'hmac',
    secrets: ['S'],
    header: 'X-Shopify-Hmac-Sha256',
    encoding: 'base64',
  });
  const github = verifyConfig.parse({
    scheme: 'hmac',
    secrets: ['S'],
    header: 'X-Hub-Signature-256',
    prefix: 'sha256=',
  });

  it('matches an HMAC computed directly with node:crypto (Shopify: base64, no prefix)', () => {
    const value = createHmac('sha256', 'shpss_x').update(BODY).digest('base64');
    expect(reason(shopify, request({ 'x-shopify-hmac-sha256': value }), ['shpss_x'])).toBe('accepted');
  });

  it('compares the encoding exactly: upper-case hex is not the signature GitHub sends', () => {
    const value = createHmac('sha256', 'k').update(BODY).digest('hex').toUpperCase();
    expect(reason(github, request({ 'x-hub-signature-256': `sha256=${value}` }), ['k'])).toBe(
      'bad_signature',
    );
  });

  it('rejects a sha1 signature under the sha256 header even with the right secret', () => {
    const value = createHmac('sha1', 'k').update(BODY).digest('hex');
    expect(reason(github, request({ 'x-hub-signature-256': `sha256=${value}` }), ['k'])).toBe(
      'bad_signature',
    );
  });
});

describe('basic-auth', () => {
  const config = verifyConfig.parse({ scheme: 'basic-auth', secrets: ['S'] });
  const encoded = Buffer.from('user:pa:ss').toString('base64');

  it('accepts the scheme name in any case and a password containing colons', () => {
    expect(reason(config, request({ authorization: `basic ${encoded}` }), ['user:pa:ss'])).toBe('accepted');
    expect(reason(config, request({ authorization: `BASIC ${encoded}` }), ['user:pa:ss'])).toBe('accepted');
  });

  it('rejects the right password for another user', () => {
    const other = Buffer.from('admin:pa:ss').toString('base64');
    expect(reason(config, request({ authorization: `Basic ${other}` }), ['user:pa:ss'])).toBe(
      'bad_signature',
    );
  });

  it('treats a secret without a colon as a configuration error', () => {
    expect(() =>
      createVerifier(config)(request({ authorization: `Basic ${encoded}` }), ['nocolon'], NOW),
    ).toThrow(ConfigError);
  });
});

describe('shared-token', () => {
  const query = verifyConfig.parse({ scheme: 'shared-token', secrets: ['S'], query: 'token' });

  it('reads the token from the query string', () => {
    expect(reason(query, request({}, BODY, 'https://x.test/hook?a=1&token=tok%2Fx'), ['tok/x'])).toBe(
      'accepted',
    );
  });

  it('refuses a repeated token parameter', () => {
    expect(reason(query, request({}, BODY, 'https://x.test/hook?token=tok&token=tok'), ['tok'])).toBe(
      'malformed_header',
    );
  });

  it('puts the token in the URL when signing a whole request', () => {
    const signed = createRequestSigner(query)({
      rawBody: BODY,
      secret: 'tok/x',
      now: NOW,
      url: 'https://x.test/h?a=1',
    });
    expect(signed.headers).toEqual({});
    expect(reason(query, request(signed.headers, BODY, signed.url), ['tok/x'])).toBe('accepted');
  });

  it('leaves the URL alone in header mode', () => {
    const header = verifyConfig.parse({ scheme: 'shared-token', secrets: ['S'], header: 'X-Token' });
    const signed = createRequestSigner(header)({
      rawBody: BODY,
      secret: 'tok',
      now: NOW,
      url: 'https://x.test/h',
    });
    expect(signed).toEqual({ headers: { 'x-token': 'tok' }, url: 'https://x.test/h' });
  });
});
