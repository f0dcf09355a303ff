// track_event delivered at most once per command id: Powertools idempotency over the injected persistence layer.
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { TRACK_EVENT_IDEMPOTENCY_TTL_SECONDS } from '../policy.ts';
import type { EffectivelyOnce } from './executor.ts';

export interface EffectivelyOnceOptions {
  /**
   * A persistence layer used by delivery alone: Powertools configures a layer (key path, expiry) on first use, so
   * sharing one instance with ingest would mix their settings.
   */
  persistenceStore: BasePersistenceLayer;
  /** How long a delivered command id is remembered (default 3 days, longer than any redelivery path). */
  expiresAfterSeconds?: number;
  /** How long an in-progress record blocks a second delivery when no Lambda context says (default 60 s). */
  inProgressMs?: number;
}

export interface EffectivelyOnceRunner {
  once: EffectivelyOnce;
  /** In Lambda, in-progress records expire with the invocation; locally the default applies. */
  useContext(context: Context | undefined): void;
}

export const IDEMPOTENCY_KEY_PREFIX = 'deliver.track_event';

/**
 * The record is written "in progress" before the call, marked complete after it succeeds, and deleted when it
 * fails, so a failed delivery is retried and a succeeded one is not repeated. A crash between Userflow's answer and
 * the completion write leaves an in-progress record; the retry then waits until it expires.
 */
export function effectivelyOnce(options: EffectivelyOnceOptions): EffectivelyOnceRunner {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'id',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds ?? TRACK_EVENT_IDEMPOTENCY_TTL_SECONDS,
    // A replayed record comes back through this hook: mark it so the caller can count the duplicate.
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });
  const inProgressMs = options.inProgressMs ?? 60_000;
  const localContext = { getRemainingTimeInMillis: () => inProgressMs } as Context;
  config.registerLambdaContext(localContext);

  const deliverOnce = makeIdempotent(
    async (_key: { id: string }, deliver: () => Promise<void>) => {
      await deliver();
      return { delivered: true };
    },
    { persistenceStore: options.persistenceStore, config, keyPrefix: IDEMPOTENCY_KEY_PREFIX },
  );

  return {
    async once(key, deliver) {
      const result = (await deliverOnce({ id: key }, deliver)) as { replayed?: boolean } | undefined;
      return { replayed: result?.replayed === true };
    },
    useContext(context) {
      config.registerLambdaContext(context ?? localContext);
    },
  };
}
