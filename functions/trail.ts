// The trail for a Lambda: the stack's Trail table when TRAIL_TABLE_NAME is set, no trail otherwise. Shared by
// ingest and deliver, so both read the same variables and build the store the same way at cold start.
import type { Env } from '../lib/config/read-env.ts';
import { readTrailConfig, readTrailTableName, type TrailConfig } from '../lib/config/trail.ts';
import { openDynamoDbTrail } from '../lib/trail/dynamodb-store.ts';
import type { TrailStore } from '../lib/trail/store.ts';

export interface TrailDeps {
  trail?: TrailStore;
  trailConfig?: TrailConfig;
}

/**
 * `{ trail, trailConfig }` for the function's deps, or `{}` without a table. Opening makes no call (the client
 * connects on the first write), so a trail outage never fails a cold start; the SDK reads the endpoint
 * (AWS_ENDPOINT_URL_DYNAMODB), region and credentials from the environment itself.
 */
export function trailFromEnv(env: Env): TrailDeps {
  const tableName = readTrailTableName(env);
  if (tableName === undefined) return {};
  return { trail: openDynamoDbTrail({ tableName }), trailConfig: readTrailConfig(env) };
}
