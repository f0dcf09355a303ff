import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readTrailConfig } from '../../../lib/config/trail.ts';
import { captureBody, redactHeaders } from '../../../lib/trail/capture.ts';

describe('redactHeaders', () => {
  it('drops every signature, authorization and cookie header and keeps the rest', () => {
    const kept = redactHeaders({
      'Stripe-Signature': 't=1,v1=abc',
      'x-hubspot-signature-v3': 'sig',
      'webhook-signature': 'v1,sig',
      'paddle-signature': 'ts=1;h1=x',
      'x-hub-signature-256': 'sha256=x',
      authorization: 'Bearer secret',
      'proxy-authorization': 'Basic x',
      cookie: 'a=b',
      'set-cookie': 'a=b',
      'x-api-key': 'k',
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
    });
    expect(kept).toEqual({ 'content-type': 'application/json', 'webhook-id': 'msg_1' });
  });
});

describe('captureBody', () => {
  const raw = new TextEncoder().encode('{"id":"evt_1"}');

  it('stores a body within the limit', () => {
    expect(captureBody(raw, { limitBytes: 100, storeBody: true })).toEqual({
      stored: true,
      size: raw.byteLength,
      text: '{"id":"evt_1"}',
    });
  });

  it('keeps only the digest and size over the limit, or when storing is off', () => {
    const sha256 = createHash('sha256').update(raw).digest('hex');
    expect(captureBody(raw, { limitBytes: 4, storeBody: true })).toEqual({
      stored: false,
      size: raw.byteLength,
      sha256,
      reason: 'too_large',
    });
    expect(captureBody(raw, { limitBytes: 100, storeBody: false })).toMatchObject({ reason: 'disabled' });
  });
});

describe('readTrailConfig', () => {
  it('defaults to 256 KiB bodies and 30 days', () => {
    expect(readTrailConfig({})).toEqual({ bodyLimitBytes: 256 * 1024, retentionDays: 30 });
  });
  it('reads TRAIL_BODY_LIMIT_BYTES and TRAIL_RETENTION_DAYS', () => {
    expect(readTrailConfig({ TRAIL_BODY_LIMIT_BYTES: '10', TRAIL_RETENTION_DAYS: '7' })).toEqual({
      bodyLimitBytes: 10,
      retentionDays: 7,
    });
  });
});
