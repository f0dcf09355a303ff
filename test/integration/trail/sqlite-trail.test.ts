import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { TrailError } from '../../../lib/trail/errors.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import { describeTrailContract, intake } from './trail-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'trail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeTrailContract('SQLite', async () => openSqliteTrail(join(dir, `t${n++}`, 'trail.db')));

describe('SQLite trail file', () => {
  it('is created with mode 0600: it holds bodies and headers', () => {
    const path = join(dir, 'mode', 'trail.db');
    openSqliteTrail(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('finds an id longer than an FTS5 token exactly, not by its first 32 KiB', async () => {
    const store = openSqliteTrail(join(dir, 'long-ids', 'trail.db'));
    try {
      const long = `${'u'.repeat(40_000)}-1`;
      const record = intake({
        requestId: 'r-long',
        events: [
          {
            id: 'evt_long',
            outcome: 'accepted',
            rules: [],
            commands: [{ id: 'c-long', kind: 'upsert_user', userId: long }],
          },
        ],
      });
      await store.putIntake(record);
      expect(await store.listIntakes({ limit: 5, userId: long })).toEqual([record]);
      expect(await store.listIntakes({ limit: 5, userId: `${'u'.repeat(40_000)}-2` })).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('fails to open with a retryable TrailError when the path cannot be a database', () => {
    const error = (() => {
      try {
        openSqliteTrail(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TrailError);
    expect((error as TrailError).retryable).toBe(true);
  });
});

// The intake tables as the version before `intake_terms` made them: the body inside the record's JSON, and keys
// in a table of their own.
const EARLIER_SCHEMA = `
CREATE TABLE intake (request_id TEXT PRIMARY KEY, source TEXT NOT NULL, received_at TEXT NOT NULL,
  outcome TEXT NOT NULL, expires_at INTEGER NOT NULL, record TEXT NOT NULL);
CREATE TABLE intake_key (kind TEXT NOT NULL, key TEXT NOT NULL, received_at TEXT NOT NULL,
  request_id TEXT NOT NULL, PRIMARY KEY (kind, key, request_id));
`;

describe('SQLite trail file an earlier version made', () => {
  it('keeps its records findable by every key, bodies included, and takes new ones', async () => {
    const path = join(dir, 'earlier', 'trail.db');
    const old = intake({ requestId: 'r-old', body: { stored: true, size: 9, text: '{"a":"b"}' } });
    openSqliteTrail(path).close(); // the file, with its mode, as the earlier version also made it
    const db = new Database(path);
    db.exec('DROP TABLE intake; DROP TABLE intake_terms;');
    db.exec(EARLIER_SCHEMA);
    db.prepare('INSERT INTO intake VALUES (?, ?, ?, ?, ?, ?)').run(
      old.requestId,
      old.source,
      old.receivedAt,
      old.outcome,
      old.expiresAt,
      JSON.stringify(old),
    );
    db.close();

    const store = openSqliteTrail(path);
    try {
      expect(await store.findIntake('evt_r-old')).toEqual(old);
      expect(await store.findIntake('cmd_r-old')).toEqual(old);
      expect(await store.listIntakes({ userId: 'ada', limit: 10 })).toEqual([old]);
      const next = intake({ requestId: 'r-new', receivedAt: '2026-12-02T10:00:00.000Z' });
      await store.putIntake(next);
      expect(await store.listIntakes({ userId: 'ada', limit: 10 })).toEqual([next, old]);
    } finally {
      store.close();
    }
    const reader = new Database(path, { readonly: true });
    const tables = reader.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    reader.close();
    expect(tables).not.toContain('intake_key');
  });
});
