// The Secrets Manager secret source over the real SDK: one JSON secret, rotation lists, TTL cache, no leaks.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  SecretInvalidError,
  SecretMissingError,
  SecretsUnavailableError,
} from '../../../lib/secrets/index.ts';
import { secretsManagerSecretSource } from '../../../lib/secrets/secrets-manager.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../helpers/fake-secrets-manager.ts';

let sm: FakeSecretsManager;
let counter = 0;

beforeAll(async () => {
  sm = await startFakeSecretsManager();
});
afterAll(async () => {
  await sm.close();
});
afterEach(() => {
  vi.useRealTimers();
});

function source(secretId: string, maxAgeSeconds = 300) {
  return secretsManagerSecretSource({
    secretId,
    maxAgeSeconds,
    clientConfig: {
      endpoint: sm.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    },
  });
}

/** A fresh secret id per test, so the fake's state never leaks between tests. */
function freshId(): string {
  counter += 1;
  return `webhooks-${counter}`;
}

describe('secretsManagerSecretSource', () => {
  it('reads one secret name from the JSON document', async () => {
    const id = freshId();
    sm.put(id, JSON.stringify({ STRIPE_WEBHOOK_SECRET: 'whsec_one', OTHER: 'x' }));
    expect(await source(id).get('STRIPE_WEBHOOK_SECRET')).toEqual(['whsec_one']);
  });

  it('accepts a rotation list as a JSON array or as a string holding one', async () => {
    const id = freshId();
    sm.put(id, JSON.stringify({ A: ['whsec_new', 'whsec_old'], B: '["s1","s2"]' }));
    const secrets = source(id);
    expect(await secrets.get('A')).toEqual(['whsec_new', 'whsec_old']);
    expect(await secrets.get('B')).toEqual(['s1', 's2']);
  });

  it('reuses the fetched document until maxAge passes, then picks up a rotated secret', async () => {
    const id = freshId();
    sm.put(id, JSON.stringify({ S: 'whsec_before' }));
    vi.useFakeTimers({ toFake: ['Date'] });
    const secrets = source(id, 300);
    expect(await secrets.get('S')).toEqual(['whsec_before']);
    const callsAfterFirst = sm.calls.length;

    sm.put(id, JSON.stringify({ S: ['whsec_after', 'whsec_before'] }));
    vi.setSystemTime(Date.now() + 299_000);
    expect(await secrets.get('S')).toEqual(['whsec_before']);
    expect(sm.calls.length).toBe(callsAfterFirst);

    vi.setSystemTime(Date.now() + 2_000);
    expect(await secrets.get('S')).toEqual(['whsec_after', 'whsec_before']);
    expect(sm.calls.slice(callsAfterFirst)).toEqual([id]);
  });

  it('a name absent from the document is secret_missing, naming the variable but no value', async () => {
    const id = freshId();
    sm.put(id, JSON.stringify({ PRESENT: 'whsec_value_not_to_leak' }));
    const error = await source(id)
      .get('ABSENT_SECRET')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretMissingError);
    expect((error as SecretMissingError).code).toBe('secret_missing');
    expect((error as Error).message).toContain('ABSENT_SECRET');
    expect((error as Error).message).not.toContain('whsec_value_not_to_leak');
  });

  it('a SecretString that is not JSON is secret_invalid without quoting it', async () => {
    const id = freshId();
    sm.put(id, 'whsec_plain_text_secret');
    const error = await source(id)
      .get('ANY')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretInvalidError);
    expect((error as Error).message).not.toContain('whsec_plain_text_secret');
  });

  it('a secret id that does not exist is retryable secrets_unavailable (503)', async () => {
    const error = await source(freshId())
      .get('ANY')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsUnavailableError);
    expect((error as SecretsUnavailableError).status).toBe(503);
    expect((error as SecretsUnavailableError).retryable).toBe(true);
  });
});
