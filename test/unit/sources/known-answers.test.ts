// Known-answer vectors: published sender examples and the shared fixtures' oracle signatures, verified and re-signed.
import { describe, expect, it } from 'vitest';
import {
  createSigner,
  createVerifier,
  standardWebhooksKey,
  verifyConfig,
} from '../../../lib/sources/index.ts';
import { fixtureBytes, signatures, utf8 } from './vectors.ts';

const { published, fixtures } = signatures;
const atSeconds = (seconds: number) => new Date(seconds * 1000);

describe('stripe known answers', () => {
  const config = verifyConfig.parse({ scheme: 'stripe', secrets: ['STRIPE_WEBHOOK_SECRET'] });
  const verify = createVerifier(config);
  const sign = createSigner(config);

  it('verifies and reproduces the stripe-node vector (key is the whole whsec_ string)', () => {
    const vector = published.stripe[0];
    const now = atSeconds(vector.timestamp);
    const request = {
      method: 'POST',
      url: 'https://bridge.example.com/webhooks/stripe',
      headers: { 'stripe-signature': vector['Stripe-Signature'] },
      rawBody: utf8(vector.payload),
    };
    expect(() => verify(request, [vector.secret], now)).not.toThrow();
    expect(sign({ rawBody: vector.payload, secret: vector.secret, now })).toEqual({
      'stripe-signature': vector['Stripe-Signature'],
    });
  });

  describe.each(fixtures.stripe)('$file', (vector) => {
    const rawBody = fixtureBytes(vector.file);
    const now = atSeconds(vector.timestamp);
    const request = (header: string) => ({
      method: 'POST',
      url: 'https://bridge.example.com/webhooks/stripe',
      headers: { 'stripe-signature': header },
      rawBody,
    });

    it('verifies the fixture signature', () => {
      expect(() => verify(request(vector['Stripe-Signature']), [fixtures.secrets.stripe], now)).not.toThrow();
    });

    it('verifies the two-v1 rotation header with either secret alone', () => {
      expect(() => verify(request(vector.rotation_header), [fixtures.secrets.stripe], now)).not.toThrow();
      expect(() => verify(request(vector.rotation_header), [fixtures.secrets.stripe_old], now)).not.toThrow();
    });

    it('reproduces the single and the rotation header byte for byte', () => {
      expect(sign({ rawBody, secret: fixtures.secrets.stripe, now })['stripe-signature']).toBe(
        vector['Stripe-Signature'],
      );
      const both = [fixtures.secrets.stripe, fixtures.secrets.stripe_old];
      expect(sign({ rawBody, secret: both, now })['stripe-signature']).toBe(vector.rotation_header);
    });
  });
});

describe('standard-webhooks known answers', () => {
  const config = verifyConfig.parse({ scheme: 'standard-webhooks', secrets: ['PORTAL_WEBHOOK_SECRET'] });
  const verify = createVerifier(config);
  const sign = createSigner(config);
  const [vectorA, vectorB, invalid] = published.standard_webhooks;

  describe.each([
    ['A (spec libraries)', vectorA],
    ['B (rust)', vectorB],
  ])('published vector %s', (_name, vector) => {
    const now = atSeconds(vector.timestamp);
    const headers = {
      'webhook-id': vector.msg_id,
      'webhook-timestamp': String(vector.timestamp),
      'webhook-signature': vector.expected_signature,
    };

    it('verifies', () => {
      const request = { method: 'POST', url: 'https://x.test/', headers, rawBody: utf8(vector.payload) };
      expect(() => verify(request, [vector.secret], now)).not.toThrow();
    });

    it('is reproduced by the signer', () => {
      expect(sign({ rawBody: vector.payload, secret: vector.secret, now, eventId: vector.msg_id })).toEqual(
        headers,
      );
    });
  });

  describe('signatures the libraries treat as invalid for vector A', () => {
    const now = atSeconds(vectorA.timestamp);
    const request = (signature: string) => ({
      method: 'POST',
      url: 'https://x.test/',
      headers: {
        'webhook-id': vectorA.msg_id,
        'webhook-timestamp': String(vectorA.timestamp),
        'webhook-signature': signature,
      },
      rawBody: utf8(vectorA.payload),
    });

    it.each(invalid.invalid_signatures)('rejects %s', (signature) => {
      expect(() => verify(request(signature), [vectorA.secret], now)).toThrow(
        expect.objectContaining({ reason: expect.stringMatching(/^(bad_signature|malformed_header)$/) }),
      );
    });

    it('rejects a header cut to its first 8 characters', () => {
      expect(() => verify(request(vectorA.expected_signature.slice(0, 8)), [vectorA.secret], now)).toThrow(
        expect.objectContaining({ reason: 'bad_signature' }),
      );
    });

    it('accepts the valid signature among bogus v1 and v2 entries', () => {
      const header = invalid.multi_signature_header_example_from_tests.replace(
        '<valid v1 sig>',
        vectorA.expected_signature,
      );
      expect(() => verify(request(header), [vectorA.secret], now)).not.toThrow();
    });
  });

  it('decodes padded, unpadded and prefix-less secrets to the same key', () => {
    for (const base of [
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS',
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr',
    ]) {
      const padded = base.padEnd(Math.ceil(base.length / 4) * 4, '=');
      const reference = Buffer.from(padded, 'base64');
      expect(standardWebhooksKey(`whsec_${base}`)).toEqual(reference);
      expect(standardWebhooksKey(`whsec_${padded}`)).toEqual(reference);
      expect(standardWebhooksKey(base)).toEqual(reference);
    }
  });

  describe.each(fixtures.standard)('$file', (vector) => {
    const rawBody = fixtureBytes(vector.file);
    const now = atSeconds(Number(vector.headers['webhook-timestamp']));
    const request = { method: 'POST', url: 'https://x.test/', headers: vector.headers, rawBody };

    it('verifies the two-signature header with either secret alone', () => {
      expect(() => verify(request, [fixtures.secrets.standard], now)).not.toThrow();
      expect(() => verify(request, [fixtures.secrets.standard_old], now)).not.toThrow();
    });

    it('is reproduced by the signer with both secrets (the fixture lists the old one first)', () => {
      const signed = sign({
        rawBody,
        secret: [fixtures.secrets.standard_old, fixtures.secrets.standard],
        now,
        eventId: vector.headers['webhook-id'],
      });
      expect(signed).toEqual(vector.headers);
    });
  });
});

describe('hubspot-v3 known answers', () => {
  const config = verifyConfig.parse({ scheme: 'hubspot-v3', secrets: ['HUBSPOT_CLIENT_SECRET'] });
  const verify = createVerifier(config);
  const sign = createSigner(config);

  describe.each(fixtures.hubspot)('$file', (vector) => {
    const rawBody = fixtureBytes(vector.file);
    const now = new Date(Number(vector.headers['X-HubSpot-Request-Timestamp']));

    it('verifies the fixture signature', () => {
      const headers = {
        'x-hubspot-signature-v3': vector.headers['X-HubSpot-Signature-v3'],
        'x-hubspot-request-timestamp': vector.headers['X-HubSpot-Request-Timestamp'],
      };
      const request = { method: vector.method, url: vector.url, headers, rawBody };
      expect(() => verify(request, [fixtures.secrets.hubspot_client_secret], now)).not.toThrow();
    });

    it('is reproduced by the signer', () => {
      const signed = sign({ rawBody, secret: fixtures.secrets.hubspot_client_secret, now, url: vector.url });
      expect(signed['x-hubspot-signature-v3']).toBe(vector.headers['X-HubSpot-Signature-v3']);
      expect(signed['x-hubspot-request-timestamp']).toBe(vector.headers['X-HubSpot-Request-Timestamp']);
    });
  });
});

describe('paddle known answer (paddle-go-sdk example)', () => {
  const config = verifyConfig.parse({ scheme: 'paddle', secrets: ['PADDLE_WEBHOOK_SECRET'] });
  const vector = published.paddle_billing[0] as (typeof published.paddle_billing)[number];
  const now = atSeconds(1710929255);

  it('verifies', () => {
    const request = {
      method: 'POST',
      url: 'https://x.test/',
      headers: { 'paddle-signature': vector['Paddle-Signature'] },
      rawBody: utf8(vector.payload),
    };
    expect(() => createVerifier(config)(request, [vector.secret], now)).not.toThrow();
  });

  it('is reproduced by the signer', () => {
    expect(createSigner(config)({ rawBody: vector.payload, secret: vector.secret, now })).toEqual({
      'paddle-signature': vector['Paddle-Signature'],
    });
  });
});

describe('hmac known answer (GitHub docs)', () => {
  const config = verifyConfig.parse({
    scheme: 'hmac',
    secrets: ['GITHUB_WEBHOOK_SECRET'],
    header: 'X-Hub-Signature-256',
    prefix: 'sha256=',
  });
  const vector = published.github[0] as (typeof published.github)[number];
  const now = new Date('2025-01-01T00:00:00Z');

  it('verifies', () => {
    const request = {
      method: 'POST',
      url: 'https://x.test/',
      headers: { 'x-hub-signature-256': vector['X-Hub-Signature-256'] },
      rawBody: utf8(vector.payload),
    };
    expect(() => createVerifier(config)(request, [vector.secret], now)).not.toThrow();
  });

  it('is reproduced by the signer', () => {
    expect(createSigner(config)({ rawBody: vector.payload, secret: vector.secret, now })).toEqual({
      'x-hub-signature-256': vector['X-Hub-Signature-256'],
    });
  });
});

describe('basic-auth known answer (RFC 7617 §2)', () => {
  const config = verifyConfig.parse({ scheme: 'basic-auth', secrets: ['CHARGEBEE_BASIC_AUTH'] });
  const now = new Date('2025-01-01T00:00:00Z');

  it('verifies and reproduces Aladdin:open sesame', () => {
    const headers = { authorization: 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==' };
    const request = { method: 'POST', url: 'https://x.test/', headers, rawBody: utf8('{}') };
    expect(() => createVerifier(config)(request, ['Aladdin:open sesame'], now)).not.toThrow();
    expect(createSigner(config)({ rawBody: '{}', secret: 'Aladdin:open sesame', now })).toEqual(headers);
  });
});
