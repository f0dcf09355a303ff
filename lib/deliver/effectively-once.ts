// track_event delivered at most once per command id, through the one idempotency wrapper (lib/idempotency).
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { runOnce } from '../idempotency/run-once.ts';
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
  // Keyed by the command id alone, hashed with Powertools' default: the keys delivery has always stored.
  const runner = runOnce<{ id: string }, { delivered: boolean }>({
    persistence: options.persistenceStore,
    keyPrefix: IDEMPOTENCY_KEY_PREFIX,
    expiresAfterSeconds: options.expiresAfterSeconds ?? TRACK_EVENT_IDEMPOTENCY_TTL_SECONDS,
    inProgressMs: options.inProgressMs ?? 60_000,
    keyPath: 'id',
  });
  return {
    async once(key, deliver) {
      const { replayed } = await runner.run({ id: key }, async () => {
        await deliver();
        return { delivered: true };
      });
      return { replayed };
    },
    useContext: (context) => runner.useContext(context),
  };
}
