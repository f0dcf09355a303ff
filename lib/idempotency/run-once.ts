// The one wrapper around Powertools idempotency, for ingest's sender-event dedupe and delivery's effectively-once
// track_event: a unit of work runs at most once per key while its record lives, and a replay is told apart.
// Built once per caller (the wrapped function takes the work as an argument), not once per call.
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';

export interface RunOnceOptions {
  /**
   * A persistence layer this caller alone uses: Powertools configures a layer (key prefix, expiry) on first use,
   * so two callers sharing one instance would mix their settings.
   */
  persistence: BasePersistenceLayer;
  /** Every record's key starts with it; the stack's IAM condition confines each function to its own prefix. */
  keyPrefix: string;
  /** How long a completed key is remembered. */
  expiresAfterSeconds: number;
  /**
   * How long an in-progress record blocks another run when no Lambda context says (a crashed run's record
   * counts as abandoned after it).
   */
  inProgressMs: number;
  /** The payload field that is the key (JMESPath); none: the whole key object is hashed. */
  keyPath?: string;
  /**
   * How the key is hashed; none: Powertools' default. Part of every stored key, so changing it for a caller would
   * forget what that caller already ran.
   */
  hashFunction?: string;
}

export interface RunOnce<Key extends object, Result extends object> {
  /** Runs `work` unless a completed record holds `key`; `replayed` when the stored result came back instead. */
  run(key: Key, work: () => Promise<Result>): Promise<{ result: Result; replayed: boolean }>;
  /** In Lambda, in-progress records expire with the invocation; without a context the fixed budget applies. */
  useContext(context: Context | undefined): void;
}

/** Replays are told apart by the response hook, which Powertools calls only for a stored record. */
const REPLAY = '__replayed';

export function runOnce<Key extends object, Result extends object>(
  options: RunOnceOptions,
): RunOnce<Key, Result> {
  const config = new IdempotencyConfig({
    expiresAfterSeconds: options.expiresAfterSeconds,
    ...(options.hashFunction ? { hashFunction: options.hashFunction } : {}),
    ...(options.keyPath ? { eventKeyJmesPath: options.keyPath, throwOnNoIdempotencyKey: true } : {}),
    responseHook: (response) => ({ ...(response as object), [REPLAY]: true }),
  });
  // Powertools sets the in-progress expiry from the Lambda's remaining time; outside a handler there is none,
  // so a fixed budget stands in (and stops Powertools warning on every call).
  const budget = { getRemainingTimeInMillis: () => options.inProgressMs } as Context;
  config.registerLambdaContext(budget);
  const once = makeIdempotent(async (_key: Key, work: () => Promise<Result>) => work(), {
    persistenceStore: options.persistence,
    config,
    keyPrefix: options.keyPrefix,
  });
  return {
    async run(key, work) {
      const stored = (await once(key, work)) as Result & { [REPLAY]?: boolean };
      if (stored?.[REPLAY] !== true) return { result: stored, replayed: false };
      const { [REPLAY]: _, ...result } = stored;
      return { result: result as unknown as Result, replayed: true };
    },
    useContext(context) {
      config.registerLambdaContext(context ?? budget);
    },
  };
}
