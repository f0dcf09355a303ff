// The SQLite trail's writer: in order, whichever thread writes; everything written before a close is on disk
// after it; a failing writer thread is an outage ingest logs and counts, never an answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IngestMetric, IngestMetrics } from '../../../lib/ingest/metrics.ts';
import { createTrailWriter } from '../../../lib/ingest/trail-writer.ts';
import { createLogger } from '../../../lib/logger.ts';
import { openSqliteDatabase } from '../../../lib/sqlite/sqlite-db.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import { sqliteWriter, type TrailWriter } from '../../../lib/trail/sqlite-writer.ts';
import { SCHEMA } from '../../../lib/trail/sqlite-writes.mjs';
import type { TrailStore } from '../../../lib/trail/store.ts';
import { captureLogs, type LogCapture } from '../../unit/ingest/fakes.ts';
import { attempt, intake } from './trail-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'trail-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const newPath = () => join(dir, `w${n++}`, 'trail.db');

/** A writer over a fresh file, as `openSqliteTrail` makes one; `read` opens a second connection to look. */
function writerOn(path = newPath()) {
  const db = openSqliteDatabase(path);
  db.exec(SCHEMA);
  const writer = sqliteWriter(db, path);
  return {
    writer,
    path,
    close() {
      writer.close();
      db.close();
    },
  };
}

function onDisk(path: string, sql: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** Writes until the writer thread has taken over (it starts with the first write and opens the file). */
async function untilThreaded(writer: TrailWriter): Promise<void> {
  await writer.write({ kind: 'attempt', record: attempt({ commandId: 'warm-up' }) });
  await vi.waitFor(() => expect(writer.threaded).toBe(true), { timeout: 30_000, interval: 20 });
}

describe('the SQLite trail writer', () => {
  it('writes in the order written, across the hand-over from this thread to the writer thread', async () => {
    const { writer, path, close } = writerOn();
    const written: Promise<unknown>[] = [];
    // Some writes in the same turn, some in later turns, until the thread has taken over, and some after.
    for (let i = 0; i < 40 || !writer.threaded; i++) {
      written.push(writer.write({ kind: 'attempt', record: attempt({ commandId: 'c', attempt: i }) }));
      // The same request id rewritten: only the last write may be left.
      written.push(writer.write({ kind: 'intake', record: intake({ requestId: 'r', outcome: `o${i}` }) }));
      if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (i > 10_000) throw new Error('the writer thread never took over');
    }
    for (let i = 0; i < 20; i++) {
      written.push(writer.write({ kind: 'attempt', record: attempt({ commandId: 'c', attempt: 1000 + i }) }));
    }
    written.push(writer.write({ kind: 'intake', record: intake({ requestId: 'r', outcome: 'last' }) }));
    await Promise.all(written);
    close();

    const attempts = onDisk(path, "SELECT record FROM attempt WHERE command_id = 'c' ORDER BY seq") as {
      record: string;
    }[];
    const order = attempts.map((row) => (JSON.parse(row.record) as { attempt: number }).attempt);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.at(-1)).toBe(1019);
    expect(onDisk(path, "SELECT outcome FROM intake WHERE request_id = 'r'")).toEqual([{ outcome: 'last' }]);
  }, 60_000);

  it('commits on close every write made before it, unawaited, in this thread or on the writer thread', async () => {
    for (const threaded of [false, true]) {
      const { writer, path, close } = writerOn();
      if (threaded) await untilThreaded(writer);
      const pending = Array.from({ length: 300 }, (_, i) =>
        writer.write({ kind: 'intake', record: intake({ requestId: `close-${i}` }) }),
      );
      close();
      await Promise.all(pending);
      expect(onDisk(path, "SELECT count(*) AS n FROM intake WHERE request_id LIKE 'close-%'")).toEqual([
        { n: 300 },
      ]);
      await expect(writer.write({ kind: 'intake', record: intake({ requestId: 'late' }) })).rejects.toThrow(
        'the trail is closed',
      );
    }
  }, 60_000);

  it('a write the store refuses fails alone; the others of its batch are written', async () => {
    const { writer, path, close } = writerOn();
    await untilThreaded(writer);
    const bad = { ...intake({ requestId: 'bad' }), source: null } as unknown as ReturnType<typeof intake>;
    const results = await Promise.allSettled([
      writer.write({ kind: 'intake', record: intake({ requestId: 'good-1' }) }),
      writer.write({ kind: 'intake', record: bad }),
      writer.write({ kind: 'intake', record: intake({ requestId: 'good-2' }) }),
    ]);
    close();
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'trail_unavailable',
      retryable: true,
    });
    expect(onDisk(path, 'SELECT request_id FROM intake ORDER BY request_id')).toEqual([
      { request_id: 'good-1' },
      { request_id: 'good-2' },
    ]);
  }, 60_000);
});

describe('ingest over a SQLite trail written on its own thread', () => {
  let logs: LogCapture;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  function counting(): IngestMetrics & { counts: IngestMetric[] } {
    const counts: IngestMetric[] = [];
    return { counts, count: (metric) => void counts.push(metric) };
  }

  it('loses no record of a graceful stop: drained, then closed', async () => {
    const path = newPath();
    const store = openSqliteTrail(path);
    const writer = createTrailWriter({
      store,
      logger: createLogger({ service: 'ingest', level: 'ERROR' }),
      timeoutMs: 10_000,
      background: true,
    });
    for (let i = 0; i < 500; i++) {
      await writer.record(() => intake({ requestId: `stop-${i}` }));
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await writer.drain();
    store.close();
    expect(onDisk(path, "SELECT count(*) AS n FROM intake WHERE request_id LIKE 'stop-%'")).toEqual([
      { n: 500 },
    ]);
  }, 60_000);

  it('a writer thread whose writes fail: an error logged and TrailWriteFailed counted per record', async () => {
    const { writer, path, close } = writerOn();
    await untilThreaded(writer);
    const store = {
      putIntake: async (record: ReturnType<typeof intake>) => {
        await writer.write({ kind: 'intake', record });
      },
    } as unknown as TrailStore;
    const metrics = counting();
    const ingest = createTrailWriter({
      store,
      logger: createLogger({ service: 'ingest', level: 'ERROR' }),
      metrics,
      timeoutMs: 10_000,
      background: true,
    });
    // The table the thread writes is gone: every later write fails there.
    const other = new Database(path);
    other.exec('DROP TABLE intake');
    other.close();

    await ingest.record(() => intake({ requestId: 'lost-1' }));
    await ingest.record(() => intake({ requestId: 'lost-2' }));
    await ingest.drain();
    expect(writer.threaded).toBe(true);
    close();
    expect(metrics.counts).toEqual(['trailWriteFailed', 'trailWriteFailed']);
    const errors = logs.entries().filter((e) => e.message === 'trail write failed');
    expect(errors.map((e) => e.requestId)).toEqual(['lost-1', 'lost-2']);
    expect(errors[0]).toMatchObject({ level: 'ERROR', reason: 'write_failed' });
  }, 60_000);
});
