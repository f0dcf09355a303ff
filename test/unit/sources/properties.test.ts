// Property tests: for random bodies, secrets and times, sign→verify passes and any single mutation is rejected.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVerifier, SignatureError, type WebhookRequest } from '../../../lib/sources/index.ts';
import { signedWebhookRequest } from '../../helpers/signed-request.ts';
import { type SchemeCase, schemeCases } from './scheme-cases.ts';

const RUNS = 100;
const TOLERANCE = 300;
const URL = 'https://bridge.example.com/webhooks/source';

// Whole seconds, so second- and millisecond-based schemes agree on what "n seconds apart" means.
const instant = fc.integer({ min: 1_000_000_000, max: 4_102_444_800 }).map((s) => new Date(s * 1000));
const rawBody = fc.uint8Array({ maxLength: 1024 });

function secretArbitrary(kind: SchemeCase['secretKind']): fc.Arbitrary<string> {
  switch (kind) {
    case 'text':
      // No NUL: HMAC pads short keys with zero bytes, so `k` and `k\0` are the same key by design.
      return fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 64 })
        .filter((s) => !s.includes('\u0000'));
    case 'token':
      return fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
    case 'credentials':
      return fc.stringMatching(/^[A-Za-z0-9._-]{1,20}:[ -~]{1,40}$/);
    case 'whsec':
      return fc
        .uint8Array({ minLength: 24, maxLength: 64 })
        .map((b) => `whsec_${Buffer.from(b).toString('base64')}`);
  }
}

function reasonOf(verify: () => void): SignatureError['reason'] | 'accepted' {
  try {
    verify();
    return 'accepted';
  } catch (error) {
    if (error instanceof SignatureError) return error.reason;
    throw error;
  }
}

type Mutation =
  | { kind: 'body'; index: number; xor: number }
  | { kind: 'append'; byte: number }
  | { kind: 'signature'; index: number; pick: number }
  | { kind: 'timestamp'; delta: number };

function mutations(scheme: SchemeCase): fc.Arbitrary<Mutation> {
  const options: fc.Arbitrary<Mutation>[] = [
    fc.record({ kind: fc.constant('signature' as const), index: fc.nat(), pick: fc.nat() }),
  ];
  if (scheme.signsBody) {
    options.push(
      fc.record({
        kind: fc.constant('body' as const),
        index: fc.nat(),
        xor: fc.integer({ min: 1, max: 255 }),
      }),
    );
    options.push(fc.record({ kind: fc.constant('append' as const), byte: fc.integer({ min: 0, max: 255 }) }));
  }
  if (scheme.shiftTimestamp) {
    const delta = fc.integer({ min: -100_000, max: 100_000 }).filter((d) => d !== 0);
    options.push(fc.record({ kind: fc.constant('timestamp' as const), delta }));
  }
  return fc.oneof(...options);
}

function mutate(scheme: SchemeCase, request: WebhookRequest, mutation: Mutation): WebhookRequest {
  switch (mutation.kind) {
    case 'append':
      return { ...request, rawBody: new Uint8Array([...request.rawBody, mutation.byte]) };
    case 'body': {
      if (request.rawBody.length === 0) return { ...request, rawBody: new Uint8Array([mutation.xor]) };
      const bytes = Uint8Array.from(request.rawBody);
      const at = mutation.index % bytes.length;
      bytes[at] = (bytes[at] as number) ^ mutation.xor;
      return { ...request, rawBody: bytes };
    }
    case 'signature':
      return scheme.mutateSignature(request, mutation.index, mutation.pick);
    case 'timestamp':
      return (scheme.shiftTimestamp as NonNullable<SchemeCase['shiftTimestamp']>)(request, mutation.delta);
  }
}

describe.each(schemeCases)('$name', (scheme) => {
  const verify = createVerifier(scheme.config);
  const secret = secretArbitrary(scheme.secretKind);
  const sign = (body: Uint8Array, key: string, now: Date) =>
    signedWebhookRequest(scheme.config, { body, secret: key, now, url: URL });

  it('verifies what it signs, whichever position the secret has among the live ones', () => {
    fc.assert(
      fc.property(
        rawBody,
        secret,
        fc.array(secret, { maxLength: 3 }),
        fc.nat(),
        instant,
        (body, key, others, at, now) => {
          const live = [...others];
          live.splice(at % (others.length + 1), 0, key);
          expect(reasonOf(() => verify(sign(body, key, now), live, now))).toBe('accepted');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('rejects any single mutation of body, timestamp or signature', () => {
    fc.assert(
      fc.property(rawBody, secret, instant, mutations(scheme), (body, key, now, mutation) => {
        const mutated = mutate(scheme, sign(body, key, now), mutation);
        // A mutation may also break the structure (a credential losing its ':', a timestamp going negative).
        expect(['bad_signature', 'malformed_header']).toContain(reasonOf(() => verify(mutated, [key], now)));
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects a signature made with any other secret', () => {
    fc.assert(
      fc.property(rawBody, secret, secret, instant, (body, key, other, now) => {
        fc.pre(key !== other);
        expect(reasonOf(() => verify(sign(body, other, now), [key], now))).toBe('bad_signature');
      }),
      { numRuns: RUNS },
    );
  });

  if (scheme.timestamped)
    it('accepts exactly the requests signed within the tolerance, either way', () => {
      const offset = fc.integer({ min: -3 * TOLERANCE, max: 3 * TOLERANCE });
      fc.assert(
        fc.property(rawBody, secret, instant, offset, (body, key, signedAt, seconds) => {
          const now = new Date(signedAt.getTime() + seconds * 1000);
          const expected =
            seconds > TOLERANCE ? 'stale_timestamp' : seconds < -TOLERANCE ? 'future_timestamp' : 'accepted';
          expect(reasonOf(() => verify(sign(body, key, signedAt), [key], now))).toBe(expected);
        }),
        { numRuns: RUNS },
      );
    });
});
