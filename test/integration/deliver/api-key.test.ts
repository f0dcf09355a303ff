// The Userflow API key read through the secrets module's Secrets Manager source: bare or JSON, cached, rotated.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKeyReader } from '../../../lib/deliver/api-key.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { SecretsUnavailableError } from '../../../lib/secrets/index.ts';
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

/** A reader over a fresh secret holding `value`, as the deliver function builds it (but aimed at the fake). */
function readerFor(value: string | undefined, maxAgeSeconds = 300) {
  counter += 1;
  const secretId = `userflow-api-key-${counter}`;
  if (value !== undefined) sm.put(secretId, value);
  const secrets = secretsManagerSecretSource({
    secretId,
    maxAgeSeconds,
    bareValueName: 'USERFLOW_API_KEY',
    clientConfig: {
      endpoint: sm.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    },
  });
  return { secretId, read: apiKeyReader({ secretId, maxAgeSeconds }, secrets) };
}

describe('apiKeyReader', () => {
  it('returns a key given in the environment as it is', async () => {
    expect(await apiKeyReader({ value: 'ak_local' })()).toBe('ak_local');
  });

  it('reads a bare key and a key in a JSON object, trimmed', async () => {
    expect(await readerFor('  ak_bare\n').read()).toBe('ak_bare');
    expect(await readerFor(JSON.stringify({ USERFLOW_API_KEY: ' ak_json ' })).read()).toBe('ak_json');
  });

  it('keeps a key for maxAge, then picks up the rotated one', async () => {
    const { secretId, read } = readerFor('ak_before', 300);
    vi.useFakeTimers({ toFake: ['Date'] });
    expect(await read()).toBe('ak_before');
    sm.put(secretId, 'ak_after');
    vi.setSystemTime(Date.now() + 299_000);
    expect(await read()).toBe('ak_before');
    vi.setSystemTime(Date.now() + 2_000);
    expect(await read()).toBe('ak_after');
  });

  it.each([
    ['a JSON object without the key', JSON.stringify({ OTHER: 'ak_not_this_one' })],
    ['an empty key', JSON.stringify({ USERFLOW_API_KEY: '' })],
    ['broken JSON', '{"USERFLOW_API_KEY": "ak_secret_value'],
  ])('%s is a configuration error that names the secret, never its value', async (_what, value) => {
    const { secretId, read } = readerFor(value);
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`the secret ${secretId} holds no Userflow API key`);
    expect((error as Error).message).not.toContain('ak_');
  });

  it('a secret that cannot be read is retryable', async () => {
    const error = await readerFor(undefined)
      .read()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsUnavailableError);
    expect((error as SecretsUnavailableError).retryable).toBe(true);
  });
});
