// The Userflow API key: from the environment locally, from Secrets Manager in AWS (Powertools getSecret, cached).
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError } from '../errors.ts';
import type { DeliveryClient } from './executor.ts';

export type ApiKeySource = { value: string } | { secretId: string; maxAgeSeconds: number };

/**
 * Returns the current key. A secret may hold the bare key or a JSON object `{"USERFLOW_API_KEY": "ak_…"}`.
 * The value is cached for `maxAgeSeconds`, so a rotated key is picked up without a deploy.
 */
export function apiKeyReader(source: ApiKeySource): () => Promise<string> {
  if ('value' in source) return async () => source.value;
  return async () => {
    const raw = await getSecret(source.secretId, { maxAge: source.maxAgeSeconds });
    const text =
      typeof raw === 'string' ? raw : raw instanceof Uint8Array ? new TextDecoder().decode(raw) : '';
    const key = text.trim().startsWith('{') ? keyFromJson(text) : text.trim();
    if (!key) throw new ConfigError(`the secret ${source.secretId} holds no Userflow API key`);
    return key;
  };
}

function keyFromJson(text: string): string | undefined {
  try {
    const value = (JSON.parse(text) as Record<string, unknown>).USERFLOW_API_KEY;
    return typeof value === 'string' ? value.trim() : undefined;
  } catch {
    return undefined;
  }
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
