// The budget in the local dir (`.local/budget.db`): `npm start`, `sync run` and the CLI lease from one row, each
// lease one immediate transaction, so processes on one machine share one budget.
import { openSqliteDatabase, type SqliteDatabase } from '../sqlite/sqlite-db.ts';
import type { BudgetState } from './allocation.ts';
import type { LeaseStore } from './lease-store.ts';

export function sqliteLeaseStore(path: string, key = 'userflow'): LeaseStore {
  // The budget is not the source of truth for anything: losing its last writes to a power cut costs nothing.
  const db: SqliteDatabase = openSqliteDatabase(path, { synchronous: 'off' });
  db.exec('CREATE TABLE IF NOT EXISTS budget (key TEXT PRIMARY KEY, state TEXT NOT NULL)');
  const read = db.prepare<[string], { state: string }>('SELECT state FROM budget WHERE key = ?');
  const write = db.prepare<[string, string]>(
    'INSERT INTO budget (key, state) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state',
  );
  return {
    async update(step) {
      const run = db.transaction(() => {
        const row = read.get(key);
        const { state, result } = step(row ? (JSON.parse(row.state) as BudgetState) : undefined);
        write.run(key, JSON.stringify(state));
        return result;
      });
      return run.immediate();
    },
    close: () => {
      db.close();
    },
  };
}
