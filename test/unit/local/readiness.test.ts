// What local mode's /readyz asks of the embedded idempotency store: a read that fails once the store is gone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlitePersistenceLayer } from '../../../lib/idempotency/sqlite-persistence-layer.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SqlitePersistenceLayer.ready', () => {
  it('passes while the store is open and throws once it is closed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ready-'));
    dirs.push(dir);
    const store = new SqlitePersistenceLayer({
      path: join(dir, 'idempotency.db'),
      tableName: 'ingest_events',
    });
    expect(() => store.ready()).not.toThrow();
    store.close();
    expect(() => store.ready()).toThrow();
  });
});
