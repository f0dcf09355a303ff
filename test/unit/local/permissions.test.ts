// The local dir holds emails and payload data (queue, idempotency store, audit log, sandbox snapshot): only its
// owner may read it, whatever the umask, and whatever an earlier version left behind.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonlAuditSink } from '../../../lib/deliver/jsonl-audit-sink.ts';
import { SqlitePersistenceLayer } from '../../../lib/idempotency/sqlite-persistence-layer.ts';
import { LOCAL_QUEUE_SETTINGS, localLayout, QUEUE_NAMES, secureLocalDir } from '../../../lib/local/layout.ts';
import { writeQuickStartSeed } from '../../../lib/local/sandbox-seed.ts';
import { openSqliteQueues } from '../../../lib/queue/sqlite/sqlite-queue.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

let root: string;
let previousUmask: number;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'perm-'));
  // The usual umask: what made these files 0644.
  previousUmask = process.umask(0o022);
});
afterEach(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});

describe('local files are owner-only', () => {
  it('secureLocalDir makes the dir 0700 and the files already in it 0600', () => {
    const dir = join(root, '.local');
    secureLocalDir(dir);
    expect(mode(dir)).toBe(0o700);
    const old = join(dir, 'audit.jsonl');
    writeFileSync(old, '{}\n', { mode: 0o644 });
    secureLocalDir(dir);
    expect(mode(old)).toBe(0o600);
  });

  it('the stores, the audit log and the seed create their files 0600 (WAL files too)', async () => {
    const layout = localLayout(join(root, 'fresh'));
    const queues = openSqliteQueues({
      path: layout.queueDb,
      mainName: QUEUE_NAMES.webhooks,
      dlqName: QUEUE_NAMES.webhooksDlq,
      ...LOCAL_QUEUE_SETTINGS,
    });
    const idempotency = new SqlitePersistenceLayer({
      path: layout.idempotencyDb,
      tableName: 'ingest_events',
    });
    const audit = jsonlAuditSink(layout.auditLog);
    audit.write({
      at: '2026-01-15T10:00:00Z',
      messageId: 'm',
      action: 'none',
      latencyMs: 0,
      attempt: 1,
      outcome: 'skipped',
    });
    await audit.close();
    const seed = writeQuickStartSeed(join(layout.dir, 'sandbox-seed.json'));
    for (const file of [
      layout.queueDb,
      `${layout.queueDb}-wal`,
      layout.idempotencyDb,
      layout.auditLog,
      seed,
    ]) {
      expect([file, mode(file)]).toEqual([file, 0o600]);
    }
    idempotency.close();
    queues.close();
  });
});
