// One way to name a trail, for the CLI and the functions: `dynamodb://<table>` for the stack's table, anything
// else a SQLite file (the local dir's `trail.db`). Backends load lazily, so a caller pays only for the one it opens.
import { backoffDelayMs, realSleep } from '../backoff.ts';
import { TrailError } from './errors.ts';
import type { TrailStore } from './store.ts';

const DYNAMODB = 'dynamodb://';
/** What DynamoDB accepts as a table name. */
export const DYNAMODB_TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

export type TrailTarget = { kind: 'dynamodb'; table: string } | { kind: 'sqlite'; path: string };

export function parseTrailTarget(target: string): TrailTarget {
  if (!target.startsWith(DYNAMODB)) return { kind: 'sqlite', path: target };
  const table = target.slice(DYNAMODB.length);
  if (!DYNAMODB_TABLE_NAME.test(table)) {
    throw new TrailError('invalid_target', `"${target}" is not dynamodb://<table name>`);
  }
  return { kind: 'dynamodb', table };
}

export async function openTrail(target: string): Promise<TrailStore> {
  const parsed = parseTrailTarget(target);
  if (parsed.kind === 'sqlite') {
    const { openSqliteTrail } = await import('./sqlite-store.ts');
    return openWhenUnlocked(() => openSqliteTrail(parsed.path));
  }
  const { openDynamoDbTrail } = await import('./dynamodb-store.ts');
  // No endpoint here: the SDK reads AWS_ENDPOINT_URL_DYNAMODB (and region, credentials) from the environment.
  return openDynamoDbTrail({ tableName: parsed.table });
}

/**
 * Two processes creating the same trail file at once (two CLI writes, `start` beside one) race to switch it to
 * WAL, and the loser is answered SQLITE_BUSY at once, without SQLite's busy wait: a few short retries settle it.
 */
async function openWhenUnlocked(open: () => TrailStore): Promise<TrailStore> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return open();
    } catch (error) {
      const code = ((error as { cause?: { code?: unknown } }).cause as { code?: unknown } | undefined)?.code;
      if (attempt >= 5 || typeof code !== 'string' || !code.startsWith('SQLITE_BUSY')) throw error;
      await realSleep(backoffDelayMs(attempt, { baseMs: 50, capMs: 500 }, Math.random) + 10);
    }
  }
}
