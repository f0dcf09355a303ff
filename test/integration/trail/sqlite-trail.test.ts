import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrailError } from '../../../lib/trail/errors.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import { describeTrailContract } from './trail-contract.ts';

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
