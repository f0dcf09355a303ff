// The Userflow API key: from the environment locally, from Secrets Manager in AWS (the secrets module's one
// adapter, cached), so a rotated key is picked up without a deploy.
import { ConfigError } from '../errors.ts';
import { SecretInvalidError, SecretMissingError, type SecretSource } from '../secrets/index.ts';
import { secretsManagerSecretSource } from '../secrets/secrets-manager.ts';
import type { DeliveryClient } from './executor.ts';

export type ApiKeySource = { value: string } | { secretId: string; maxAgeSeconds: number };

/** The name the key has inside a JSON secret (`{"USERFLOW_API_KEY": "ak_…"}`), and of a bare secret's value. */
const KEY_NAME = 'USERFLOW_API_KEY';

/**
 * Returns the current key. A secret may hold the bare key or a JSON object `{"USERFLOW_API_KEY": "ak_…"}`.
 * The value is cached for `maxAgeSeconds`, so a rotated key is picked up without a deploy. `secrets` replaces
 * the Secrets Manager source (tests).
 */
export function apiKeyReader(source: ApiKeySource, secrets?: SecretSource): () => Promise<string> {
  if ('value' in source) return async () => source.value;
  const store =
    secrets ??
    secretsManagerSecretSource({
      secretId: source.secretId,
      maxAgeSeconds: source.maxAgeSeconds,
      bareValueName: KEY_NAME,
    });
  return async () => {
    try {
      const [key] = await store.get(KEY_NAME);
      return key as string;
    } catch (error) {
      // A missing or malformed key is the deployment's problem, as before: one message, never the value.
      if (error instanceof SecretMissingError || error instanceof SecretInvalidError) {
        throw new ConfigError(`the secret ${source.secretId} holds no Userflow API key`, [], error);
      }
      throw error;
    }
  };
}

const METHODS = [
  'createOrUpdateUser',
  'createOrUpdateGroup',
  'getUser',
  'getGroup',
  'listUsers',
  'removeMembership',
  'trackEvent',
  'deleteUser',
  'deleteGroup',
] as const satisfies readonly (keyof DeliveryClient)[];

/**
 * A client that follows key rotation: each call reads the (cached) key and uses a client built for it, so a warm
 * Lambda switches to a rotated key within the cache age instead of answering 401 until it is recycled.
 */
export function rotatingClient<C extends DeliveryClient>(
  readKey: () => Promise<string>,
  build: (apiKey: string) => C,
): DeliveryClient {
  let current: { key: string; client: C } | undefined;
  const clientNow = async () => {
    const key = await readKey();
    if (current?.key !== key) current = { key, client: build(key) };
    return current.client;
  };
  const delegate = Object.fromEntries(
    METHODS.map((method) => [
      method,
      async (...args: unknown[]) => {
        const client = await clientNow();
        return (client[method] as (...a: unknown[]) => Promise<unknown>).apply(client, args);
      },
    ]),
  );
  return delegate as unknown as DeliveryClient;
}
