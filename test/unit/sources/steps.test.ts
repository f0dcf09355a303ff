// The shared pipeline steps and config checks: timestamp bounds, constant-time equality, config validation.
import { describe, expect, it } from 'vitest';
import { BridgeError, ConfigError } from '../../../lib/errors.ts';
import { anyEqual, constantTimeEqual } from '../../../lib/sources/crypto.ts';
import {
  createSigner,
  createVerifier,
  SignatureError,
  type VerifyConfig,
} from '../../../lib/sources/index.ts';
import { checkTimestamp, parseTimestamp } from '../../../lib/sources/timestamp.ts';
import { signedWebhookRequest } from '../../helpers/signed-request.ts';

const T = 1_748_512_800;

function outcome(run: () => void): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return error instanceof SignatureError ? error.reason : (error as Error).name;
  }
}

describe('checkTimestamp', () => {
  const at = (ms: number) => new Date(ms);

  it('accepts exactly the tolerance in seconds and rejects one second more, both ways', () => {
    expect(outcome(() => checkTimestamp('stripe', T, 'seconds', at((T + 300) * 1000), 300))).toBe('accepted');
    expect(outcome(() => checkTimestamp('stripe', T, 'seconds', at((T + 301) * 1000), 300))).toBe(
      'stale_timestamp',
    );
    expect(outcome(() => checkTimestamp('stripe', T, 'seconds', at((T - 300) * 1000), 300))).toBe('accepted');
    expect(outcome(() => checkTimestamp('stripe', T, 'seconds', at((T - 301) * 1000), 300))).toBe(
      'future_timestamp',
    );
  });

  it('compares whole seconds for second-based schemes, as stripe-node does', () => {
    expect(outcome(() => checkTimestamp('stripe', T, 'seconds', at((T + 300) * 1000 + 999), 300))).toBe(
      'accepted',
    );
  });

  it('compares milliseconds for HubSpot', () => {
    const ms = T * 1000;
    expect(outcome(() => checkTimestamp('hubspot-v3', ms, 'milliseconds', at(ms + 300_000), 300))).toBe(
      'accepted',
    );
    expect(outcome(() => checkTimestamp('hubspot-v3', ms, 'milliseconds', at(ms + 300_001), 300))).toBe(
      'stale_timestamp',
    );
    expect(outcome(() => checkTimestamp('hubspot-v3', ms, 'milliseconds', at(ms - 300_001), 300))).toBe(
      'future_timestamp',
    );
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses a tolerance of %s instead of skipping the check',
    (tolerance) => {
      expect(() => checkTimestamp('stripe', T, 'seconds', at(T * 1000), tolerance)).toThrow(ConfigError);
    },
  );

  it('refuses an invalid now instead of letting NaN comparisons pass', () => {
    expect(() => checkTimestamp('stripe', T, 'seconds', new Date(Number.NaN), 300)).toThrow(TypeError);
  });
});

describe('parseTimestamp', () => {
  it('reads decimal digits', () => {
    expect(parseTimestamp('stripe', '1748512800', 't')).toBe(1748512800);
  });

  it.each(['', ' 1', '+1', '-1', '1.5', '1e9', '0x10', '12345678901234567', '１２'])('refuses %j', (text) => {
    expect(outcome(() => parseTimestamp('stripe', text, 't'))).toBe('malformed_header');
  });
});

describe('constant-time comparison', () => {
  it('tells equal from different values of any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
  });

  it('finds a match anywhere in either list', () => {
    expect(anyEqual(['x', 'y'], ['z', 'y'])).toBe(true);
    expect(anyEqual(['x', 'y'], ['z'])).toBe(false);
    expect(anyEqual([], ['z'])).toBe(false);
  });
});

describe('createVerifier / createSigner config checks', () => {
  it.each([
    [{ scheme: 'stripe', secrets: ['S'], tolerance_seconds: 0 }],
    [{ scheme: 'hmac', secrets: ['S'] }],
    [{ scheme: 'shared-token', secrets: ['S'], header: 'x-a', query: 'a' }],
    [{ scheme: 'stripe', secrets: [] }],
    [{ scheme: 'rsa', secrets: ['S'] }],
  ])('refuses %j with a ConfigError', (block) => {
    expect(() => createVerifier(block as unknown as VerifyConfig)).toThrow(ConfigError);
    expect(() => createSigner(block as unknown as VerifyConfig)).toThrow(ConfigError);
  });

  it('fills the 300 s default when a hand-built config leaves the tolerance out', () => {
    const config = { scheme: 'paddle', secrets: ['S'] } as unknown as VerifyConfig;
    const verify = createVerifier(config);
    const signedAt = new Date(T * 1000);
    const signed = signedWebhookRequest(config, { body: '{}', secret: 'k', now: signedAt });
    expect(outcome(() => verify(signed, ['k'], new Date((T + 300) * 1000)))).toBe('accepted');
    expect(outcome(() => verify(signed, ['k'], new Date((T + 301) * 1000)))).toBe('stale_timestamp');
  });

  it('applies a configured tolerance', () => {
    const config: VerifyConfig = { scheme: 'standard-webhooks', secrets: ['S'], tolerance_seconds: 60 };
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const signed = signedWebhookRequest(config, { body: '{}', secret, now: new Date(T * 1000) });
    expect(outcome(() => createVerifier(config)(signed, [secret], new Date((T + 61) * 1000)))).toBe(
      'stale_timestamp',
    );
  });
});

describe('SignatureError', () => {
  it('is a non-retryable 401 BridgeError whose code is the reason', () => {
    const error = new SignatureError('stripe', 'bad_signature', 'no signature matches a live secret');
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({
      name: 'SignatureError',
      status: 401,
      retryable: false,
      code: 'bad_signature',
    });
    expect(error.scheme).toBe('stripe');
  });
});
