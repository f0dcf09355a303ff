// The deletion cap of mirror mode: an absolute floor beside the ratio, memberships included, and a refused run
// queues nothing at all.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envelope } from '../../../lib/commands/index.ts';
import { countVanished } from '../../../lib/sync/deletion-cap.ts';
import { DeletionCapError } from '../../../lib/sync/errors.ts';
import { connectPostgres, type Database } from '../../../lib/sync/postgres.ts';
import { parseSyncFile } from '../../../lib/sync/read-sync-file.ts';
import { runSync } from '../../../lib/sync/run-sync.ts';
import { openSqliteStateStore } from '../../../lib/sync/sqlite-state-store.ts';
import { memoryQueue } from '../../helpers/memory-queue.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';

let pgServer: TestPostgres;
let db: Database;

beforeAll(async () => {
  pgServer = await startPostgres();
  db = await connectPostgres({ url: pgServer.url, label: 'DATABASE_URL' });
}, 120_000);
afterAll(async () => {
  await db?.close();
  await pgServer?.stop();
});

beforeEach(async () => {
  await pgServer.sql(`
    DROP TABLE IF EXISTS members, people;
    CREATE TABLE people (id text PRIMARY KEY, plan text);
    CREATE TABLE members (user_id text, group_id text, PRIMARY KEY (user_id, group_id));
    INSERT INTO people SELECT 'u' || i, 'free' FROM generate_series(1, 200) AS i;
    INSERT INTO members SELECT 'u' || i, 'g' || (i % 10 + 1) FROM generate_series(1, 200) AS i;
  `);
});

const file = (cap: string) =>
  parseSyncFile(
    'syncs/cap.yaml',
    `connection: DATABASE_URL
mode: mirror
${cap}
users:
  query: SELECT id, plan FROM people
memberships:
  query: SELECT user_id, group_id FROM members
batch_size: 50
`,
  );

const commandsOf = (sent: { body: string }[]) => sent.map((m) => envelope.parse(JSON.parse(m.body)).command);

async function synced(cap: string) {
  const state = openSqliteStateStore(':memory:');
  await runSync({ file: file(cap), db, state, queue: memoryQueue() });
  return state;
}

describe('mirror deletion cap', () => {
  it('always allows up to at_least removals, whatever their share, and refuses one more', async () => {
    const cap = 'max_delete: { ratio: 0.01, at_least: 15 }';
    const state = await synced(cap);
    await pgServer.sql(
      `DELETE FROM members WHERE user_id IN (SELECT 'u' || i FROM generate_series(1, 15) AS i)`,
    );
    const allowed = memoryQueue();
    await runSync({ file: file(cap), db, state, queue: allowed });
    expect(commandsOf(allowed.sent).filter((c) => c.type === 'remove_membership')).toHaveLength(15);

    await pgServer.sql(
      `DELETE FROM members WHERE user_id IN (SELECT 'u' || i FROM generate_series(16, 31) AS i)`,
    );
    const refused = memoryQueue();
    const error = await runSync({ file: file(cap), db, state, queue: refused }).catch((e) => e);
    expect(error).toBeInstanceOf(DeletionCapError);
    expect(error.message).toContain('refusing to remove 16 of 185 memberships');
  });

  it('queues nothing at all when refused: not the run’s user updates either', async () => {
    const state = await synced('');
    await pgServer.sql(`UPDATE people SET plan = 'pro' WHERE id IN ('u150', 'u151')`);
    await pgServer.sql(
      `DELETE FROM members WHERE user_id IN (SELECT 'u' || i FROM generate_series(1, 11) AS i)`,
    );
    const queue = memoryQueue();
    await expect(runSync({ file: file(''), db, state, queue })).rejects.toBeInstanceOf(DeletionCapError);
    expect(queue.sent).toEqual([]);
    const [last] = await state.runs({ sync: 'cap', limit: 1 });
    expect(last).toMatchObject({ status: 'failed', counts: { queued: 0 } });

    // The updates were not remembered as sent: once the memberships are back, the next run queues them.
    await pgServer.sql(
      `INSERT INTO members SELECT 'u' || i, 'g' || (i % 10 + 1) FROM generate_series(1, 11) AS i`,
    );
    const next = memoryQueue();
    await runSync({ file: file(''), db, state, queue: next });
    expect(commandsOf(next.sent)).toEqual([
      { type: 'upsert_user', user_id: 'u150', attributes: { plan: 'pro' } },
      { type: 'upsert_user', user_id: 'u151', attributes: { plan: 'pro' } },
    ]);
  });

  it('a dry run reports the refusal the real run would meet', async () => {
    const state = await synced('');
    await pgServer.sql(
      `DELETE FROM members WHERE user_id IN (SELECT 'u' || i FROM generate_series(1, 11) AS i)`,
    );
    await expect(runSync({ file: file(''), db, state, dryRun: true })).rejects.toBeInstanceOf(
      DeletionCapError,
    );
  });

  it('counts what vanished exactly when keys sort differently under a locale than by code point', async () => {
    // Case, accents, astral characters, spaces and prefixes: a check that read keys in another order than the
    // run's merge would stop as out of order or count present users as gone.
    const ids = ['a', 'B', 'Z', 'é', 'E', 'ä', 'a b', 'aa', 'a-b', '😀', 'ß', 'ss', '10', '9', 'Å', 'z'];
    await pgServer.sql(`DELETE FROM members; DELETE FROM people;
      INSERT INTO people SELECT id, 'free' FROM unnest(ARRAY[${ids.map((id) => `'${id}'`).join(', ')}]) AS id;
      INSERT INTO members SELECT id, 'g1' FROM people;`);
    const state = await synced('');
    await pgServer.sql(`DELETE FROM members WHERE user_id IN ('é', '😀', 'a b')`);
    const sync = file('max_delete: { ratio: 0.5, at_least: 0 }');
    expect(await countVanished(db, sync, state, 'memberships')).toBe(3);
    expect(await countVanished(db, sync, state, 'users')).toBe(0);
  });

  it('removes one membership of a tiny sync under the default cap (the 3-row example)', async () => {
    await pgServer.sql(`DELETE FROM members WHERE group_id <> 'g1' OR user_id NOT IN ('u10', 'u20', 'u30')`);
    const state = await synced('');
    await pgServer.sql(`DELETE FROM members WHERE user_id = 'u10'`);
    const queue = memoryQueue();
    await runSync({ file: file(''), db, state, queue });
    expect(commandsOf(queue.sent)).toEqual([{ type: 'remove_membership', user_id: 'u10', group_id: 'g1' }]);
  });
});
