// Every scheme against requests that differ from a valid one in exactly one thing, plus rotation and no-secret cases.
import { describe, expect, it } from 'vitest';
import { createVerifier, SignatureError, type WebhookRequest } from '../../../lib/sources/index.ts';
import { signedWebhookRequest } from '../../helpers/signed-request.ts';
import { type SchemeCase, schemeCases, withHeader } from './scheme-cases.ts';

const NOW = new Date('2025-05-29T10:00:00Z');
const SIX_MINUTES_MS = 6 * 60 * 1000;
// Unicode, CRLF and trailing spaces: the bytes must be verified exactly as sent.
const BODY = '{"id":"evt_1RPx4cLkdIwHu7ixJ0tVb3Qk","name":"Zoë ☃","note":"line\\r\\n"}\r\n  ';
const URL = 'https://bridge.example.com/webhooks/source?tenant=acme';

function sign(scheme: SchemeCase, secret: string | string[], now = NOW): WebhookRequest {
  return signedWebhookRequest(scheme.config, { body: BODY, secret, now, url: URL });
}

/** The values that must never show up in an error message: secrets and anything carrying a signature. */
function sensitive(scheme: SchemeCase, request: WebhookRequest): string[] {
  const headerValues = Object.entries(request.headers)
    .filter(([name, value]) => name !== 'content-type' && value.length >= 16)
    .map(([, value]) => value);
  return [scheme.secret, scheme.previousSecret, scheme.otherSourceSecret, ...headerValues, request.url];
}

function expectRejected(
  scheme: SchemeCase,
  request: WebhookRequest,
  secrets: readonly string[],
  reason: SignatureError['reason'],
): void {
  let caught: unknown;
  try {
    createVerifier(scheme.config)(request, secrets, NOW);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SignatureError);
  const error = caught as SignatureError;
  expect(error.reason).toBe(reason);
  expect(error.code).toBe(reason);
  expect(error.status).toBe(401);
  expect(error.retryable).toBe(false);
  for (const value of sensitive(scheme, request)) expect(error.message).not.toContain(value);
}

function expectAccepted(scheme: SchemeCase, request: WebhookRequest, secrets: readonly string[]): void {
  expect(() => createVerifier(scheme.config)(request, secrets, NOW)).not.toThrow();
}

describe.each(schemeCases)('$name', (scheme) => {
  const valid = sign(scheme, scheme.secret);

  it('accepts a request signed with the live secret', () => {
    expectAccepted(scheme, valid, [scheme.secret]);
  });

  if (scheme.signsBody)
    it('rejects the request when one body byte changes', () => {
      const rawBody = Uint8Array.from(valid.rawBody);
      rawBody[7] = (rawBody[7] as number) ^ 0x01;
      expectRejected(scheme, { ...valid, rawBody }, [scheme.secret], 'bad_signature');
    });

  if (scheme.signsBody)
    it('rejects the request when one body byte is appended', () => {
      const rawBody = new Uint8Array([...valid.rawBody, 0x20]);
      expectRejected(scheme, { ...valid, rawBody }, [scheme.secret], 'bad_signature');
    });

  it.each([0, 5, -1])('rejects a one-character change of the signature at %i', (index) => {
    expectRejected(scheme, scheme.mutateSignature(valid, index, 3), [scheme.secret], 'bad_signature');
  });

  it('rejects a request signed with a retired secret', () => {
    expectRejected(scheme, valid, [scheme.previousSecret], 'bad_signature');
  });

  it("rejects a request signed with another source's secret", () => {
    expectRejected(scheme, sign(scheme, scheme.otherSourceSecret), [scheme.secret], 'bad_signature');
  });

  it.each(scheme.removals)('rejects a request without the %s', (_label, removeProof) => {
    expectRejected(scheme, removeProof(valid), [scheme.secret], 'missing_header');
  });

  if (!scheme.signsBody)
    it('does not authenticate the body (a credential, not a signature)', () => {
      const rawBody = new Uint8Array([...valid.rawBody, 0x20]);
      expectAccepted(scheme, { ...valid, rawBody }, [scheme.secret]);
    });

  for (const name of scheme.removals.map(([label]) => label).filter((label) => label in valid.headers)) {
    it(`treats an empty ${name} header as missing`, () => {
      expectRejected(scheme, withHeader(valid, name, '  '), [scheme.secret], 'missing_header');
    });
  }

  for (const [name, value] of scheme.malformed) {
    it(`rejects malformed ${name}: ${value}`, () => {
      expectRejected(scheme, withHeader(valid, name, value), [scheme.secret], 'malformed_header');
    });
  }

  it('finds headers whatever their case', () => {
    const headers = Object.fromEntries(
      Object.entries(valid.headers).map(([name, value]) => [name.toUpperCase(), value]),
    );
    expectAccepted(scheme, { ...valid, headers }, [scheme.secret]);
  });

  describe('rotation', () => {
    it('accepts a request signed with the old secret while both are live, in either order', () => {
      const old = sign(scheme, scheme.previousSecret);
      expectAccepted(scheme, old, [scheme.secret, scheme.previousSecret]);
      expectAccepted(scheme, old, [scheme.previousSecret, scheme.secret]);
    });

    if (scheme.multiSignature)
      it('accepts a header signed with old and new secret by either one alone', () => {
        const both = sign(scheme, [scheme.previousSecret, scheme.secret]);
        expectAccepted(scheme, both, [scheme.secret]);
        expectAccepted(scheme, both, [scheme.previousSecret]);
        expectRejected(scheme, both, [scheme.otherSourceSecret], 'bad_signature');
      });
  });

  describe('secrets', () => {
    it('fails closed with no secret', () => {
      expectRejected(scheme, valid, [], 'no_secret');
    });

    it('ignores empty secrets and fails closed when nothing else is left', () => {
      expectRejected(scheme, valid, [''], 'no_secret');
      expectAccepted(scheme, valid, ['', scheme.secret]);
    });
  });

  if (scheme.timestamped)
    describe('timestamp', () => {
      const shift = scheme.shiftTimestamp as NonNullable<SchemeCase['shiftTimestamp']>;

      it('rejects a request correctly signed 6 minutes ago as stale', () => {
        const old = sign(scheme, scheme.secret, new Date(NOW.getTime() - SIX_MINUTES_MS));
        expectRejected(scheme, old, [scheme.secret], 'stale_timestamp');
      });

      it('rejects a request correctly signed 6 minutes ahead as from the future', () => {
        const ahead = sign(scheme, scheme.secret, new Date(NOW.getTime() + SIX_MINUTES_MS));
        expectRejected(scheme, ahead, [scheme.secret], 'future_timestamp');
      });

      it('accepts a request correctly signed 4 minutes ago or ahead', () => {
        expectAccepted(scheme, sign(scheme, scheme.secret, new Date(NOW.getTime() - 240_000)), [
          scheme.secret,
        ]);
        expectAccepted(scheme, sign(scheme, scheme.secret, new Date(NOW.getTime() + 240_000)), [
          scheme.secret,
        ]);
      });

      it.each([1, -1, 360, -360])('rejects a timestamp moved by %i s without re-signing', (delta) => {
        expectRejected(scheme, shift(valid, delta), [scheme.secret], 'bad_signature');
      });
    });
});
