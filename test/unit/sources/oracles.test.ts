// The senders' own npm libraries as independent oracles: what they sign we accept, and what we sign they accept.
import { Signature } from '@hubspot/api-client/lib/src/utils/signature.js';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSigner, createVerifier, verifyConfig } from '../../../lib/sources/index.ts';
import { fixtureBytes, signatures, utf8 } from './vectors.ts';

const RUNS = 50;
// Whole seconds from 2001 to 2100, so second- and millisecond-based schemes see the same instant.
const instant = fc.integer({ min: 1_000_000_000, max: 4_102_444_800 }).map((s) => new Date(s * 1000));
// Valid UTF-8 text (the libraries take strings), including astral characters, CR/LF and spaces.
const body = fc.string({ unit: 'binary', maxLength: 400 });
// stripe-node refuses an empty payload before checking anything.
const stripeBody = fc.string({ unit: 'binary', minLength: 1, maxLength: 400 });
const textSecret = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 });
// stripe-node refuses a blank secret; real ones always start with whsec_ (used verbatim as the key).
const stripeSecret = textSecret.map((s) => `whsec_${s}`);
const whsecSecret = fc
  .uint8Array({ minLength: 24, maxLength: 64 })
  .map((bytes) => `whsec_${Buffer.from(bytes).toString('base64')}`);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('stripe (stripe@23 webhooks)', () => {
  const config = verifyConfig.parse({ scheme: 'stripe', secrets: ['STRIPE_WEBHOOK_SECRET'] });
  const verify = createVerifier(config);
  const sign = createSigner(config);
  const stripeSignature = Stripe.webhooks.signature as NonNullable<typeof Stripe.webhooks.signature>;
  const request = (header: string, payload: string | Uint8Array) => ({
    method: 'POST',
    url: 'https://bridge.example.com/webhooks/stripe',
    headers: { 'stripe-signature': header },
    rawBody: typeof payload === 'string' ? utf8(payload) : payload,
  });

  it('accepts headers from generateTestHeaderString', () => {
    fc.assert(
      fc.property(stripeBody, stripeSecret, instant, (payload, secret, now) => {
        const timestamp = now.getTime() / 1000;
        const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
        verify(request(header, payload), [secret], now);
      }),
      { numRuns: RUNS },
    );
  });

  it('accepts headers from generateTestHeaderStringAsync', async () => {
    const payload = '{"id":"evt_async","object":"event"}';
    const now = new Date('2025-05-29T10:00:00Z');
    const header = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: 'whsec_async',
      timestamp: now.getTime() / 1000,
    });
    expect(() => verify(request(header, payload), ['whsec_async'], now)).not.toThrow();
  });

  it('signs headers that signature.verifyHeader accepts', () => {
    fc.assert(
      fc.property(stripeBody, stripeSecret, instant, (payload, secret, now) => {
        const header = sign({ rawBody: payload, secret, now })['stripe-signature'] as string;
        expect(stripeSignature.verifyHeader(payload, header, secret, 300, undefined, now.getTime())).toBe(
          true,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('signs fixture events, with a rotation header, that constructEvent accepts with either secret', () => {
    const { secrets } = signatures.fixtures;
    for (const vector of signatures.fixtures.stripe) {
      const rawBody = fixtureBytes(vector.file);
      const now = new Date(vector.timestamp * 1000);
      const header = sign({ rawBody, secret: [secrets.stripe, secrets.stripe_old], now })[
        'stripe-signature'
      ] as string;
      for (const secret of [secrets.stripe, secrets.stripe_old]) {
        const event = Stripe.webhooks.constructEvent(
          Buffer.from(rawBody),
          header,
          secret,
          300,
          undefined,
          now.getTime(),
        );
        expect(event.id).toMatch(/^evt_/);
      }
    }
  });

  it('agrees with stripe-node on a stale header and is stricter on a future one', () => {
    const payload = '{"id":"evt_x","object":"event"}';
    const signedAt = new Date('2025-05-29T10:00:00Z');
    const header = sign({ rawBody: payload, secret: 'whsec_abc', now: signedAt })[
      'stripe-signature'
    ] as string;
    const later = new Date(signedAt.getTime() + 301_000);
    const earlier = new Date(signedAt.getTime() - 3_600_000);
    const stripeAccepts = (at: Date) => {
      try {
        return stripeSignature.verifyHeader(payload, header, 'whsec_abc', 300, undefined, at.getTime());
      } catch {
        return false;
      }
    };
    expect(stripeAccepts(later)).toBe(false);
    expect(() => verify(request(header, payload), ['whsec_abc'], later)).toThrow(
      expect.objectContaining({ reason: 'stale_timestamp' }),
    );
    // stripe-node checks age only; we bound both directions.
    expect(stripeAccepts(earlier)).toBe(true);
    expect(() => verify(request(header, payload), ['whsec_abc'], earlier)).toThrow(
      expect.objectContaining({ reason: 'future_timestamp' }),
    );
  });
});

describe('standard-webhooks (standardwebhooks@1.1.1)', () => {
  const config = verifyConfig.parse({ scheme: 'standard-webhooks', secrets: ['PORTAL_WEBHOOK_SECRET'] });
  const verify = createVerifier(config);
  const sign = createSigner(config);
  const messageId = fc.stringMatching(/^msg_[A-Za-z0-9]{1,30}$/);

  it('accepts signatures from Webhook.sign', () => {
    fc.assert(
      fc.property(body, whsecSecret, instant, messageId, (payload, secret, now, id) => {
        const headers = {
          'webhook-id': id,
          'webhook-timestamp': String(now.getTime() / 1000),
          'webhook-signature': new Webhook(secret).sign(id, now, payload),
        };
        verify({ method: 'POST', url: 'https://x.test/', headers, rawBody: utf8(payload) }, [secret], now);
      }),
      { numRuns: RUNS },
    );
  });

  it('signs headers that Webhook.verify accepts, with its own clock pinned to ours', () => {
    const dateNow = vi.spyOn(Date, 'now');
    fc.assert(
      fc.property(body, whsecSecret, instant, messageId, (payload, secret, now, id) => {
        dateNow.mockReturnValue(now.getTime());
        const headers = sign({ rawBody: payload, secret, now, eventId: id });
        expect(() => new Webhook(secret).verify(payload, headers, { jsonParse: false })).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });

  it('signs a two-secret rotation header that Webhook.verify accepts with either secret', () => {
    const { secrets } = signatures.fixtures;
    const now = new Date('2025-05-29T10:00:04Z');
    vi.spyOn(Date, 'now').mockReturnValue(now.getTime());
    const payload = fixtureBytes('standard/customer.portal.user.signed_up.json');
    const headers = sign({
      rawBody: payload,
      secret: [secrets.standard_old, secrets.standard],
      now,
      eventId: 'msg_1',
    });
    for (const secret of [secrets.standard, secrets.standard_old]) {
      expect(new Webhook(secret).verify(Buffer.from(payload), headers)).toMatchObject({
        type: expect.any(String),
      });
    }
  });

  it('accepts the unpadded form of a secret the library signed with', () => {
    const padded = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=';
    const now = new Date('2025-05-29T10:00:00Z');
    const headers = {
      'webhook-id': 'msg_unpadded',
      'webhook-timestamp': String(now.getTime() / 1000),
      'webhook-signature': new Webhook(padded).sign('msg_unpadded', now, '{}'),
    };
    const request = { method: 'POST', url: 'https://x.test/', headers, rawBody: utf8('{}') };
    expect(() => verify(request, ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS'], now)).not.toThrow();
  });
});

describe('hubspot-v3 (@hubspot/api-client 13.5.0 Signature)', () => {
  const config = verifyConfig.parse({ scheme: 'hubspot-v3', secrets: ['HUBSPOT_CLIENT_SECRET'] });
  const verify = createVerifier(config);
  const sign = createSigner(config);
  // HubSpot signs the URI with these escapes decoded; the SDK does not decode, so it gets the decoded form.
  const sentUrl =
    'https://bridge.example.com/webhooks/hubspot?portal=4865123&next=https%3A%2F%2Fapp.test%2Fa%2Cb%40c%20d';
  const signedUrl =
    'https://bridge.example.com/webhooks/hubspot?portal=4865123&next=https://app.test/a,b@c%20d';

  it('accepts signatures from Signature.getSignature (v3) over the decoded URI', () => {
    fc.assert(
      fc.property(body, textSecret, instant, (payload, clientSecret, now) => {
        const timestamp = now.getTime();
        const signature = Signature.getSignature('POST', 'v3', {
          signature: '', // unused by getSignature; the type requires it
          clientSecret,
          requestBody: payload,
          url: signedUrl,
          timestamp,
        });
        const headers = {
          'x-hubspot-signature-v3': signature,
          'x-hubspot-request-timestamp': String(timestamp),
        };
        verify({ method: 'POST', url: sentUrl, headers, rawBody: utf8(payload) }, [clientSecret], now);
      }),
      { numRuns: RUNS },
    );
  });

  it('signs headers that Signature.isValid (v3) accepts, with its own clock pinned to ours', () => {
    const dateNow = vi.spyOn(Date, 'now');
    fc.assert(
      fc.property(body, textSecret, instant, (payload, clientSecret, now) => {
        dateNow.mockReturnValue(now.getTime());
        const headers = sign({ rawBody: payload, secret: clientSecret, now, url: sentUrl });
        const valid = Signature.isValid({
          signatureVersion: 'v3',
          method: 'POST',
          signature: headers['x-hubspot-signature-v3'] as string,
          clientSecret,
          requestBody: payload,
          url: signedUrl,
          timestamp: Number(headers['x-hubspot-request-timestamp']),
        });
        expect(valid).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('also emits the legacy v1 header that Signature.isValid (v1) accepts', () => {
    const payload = '[{"eventId":1}]';
    const headers = sign({ rawBody: payload, secret: 'client-secret', now: new Date(), url: sentUrl });
    const v1 = { signature: headers['x-hubspot-signature'] as string, clientSecret: 'client-secret' };
    expect(Signature.isValid({ ...v1, requestBody: payload, signatureVersion: 'v1' })).toBe(true);
  });
});
