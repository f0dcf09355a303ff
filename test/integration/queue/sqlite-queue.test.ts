// The embedded SQLite queue: the shared contract, then what only it promises (AWS-like batches, durability).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteQueues, type SqliteQueuesOptions } from '../../../lib/queue/sqlite/sqlite-queue.ts';
import { openSqliteDatabase } from '../../../lib/sqlite/sqlite-db.ts';
import { describeQueueContract } from './queue-contract.ts';
import { bodiesByGroup, drain, message } from './queue-helpers.ts';

const dirs: string[] = [];
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-queue-'));
  dirs.push(dir);
  return join(dir, 'nested', 'queue.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(path: string, extra: Partial<SqliteQueuesOptions> = {}) {
  return openSqliteQueues({
    path,
    mainName: 'main',
    dlqName: 'dlq',
    maxReceiveCount: 2,
    visibilityTimeoutSeconds: 30,
    ...extra,
  });
}

describeQueueContract('SQLite', async () => {
  const queues = open(tempPath());
  return { main: queues.main, dlq: queues.dlq, maxReceiveCount: 2, close: async () => queues.close() };
});

describe('SQLite queue: batches as AWS returns them', () => {
  it('returns several messages of one group, in order, in one receive', async () => {
    const queues = open(tempPath());
    await queues.main.send([message('a', 1), message('b', 1), message('a', 2), message('a', 3)]);
    const batch = await queues.main.receive({ maxMessages: 10, waitSeconds: 0 });
    expect(batch.map((m) => m.dedupeId)).toEqual(['a-1', 'a-2', 'a-3', 'b-1']);
    queues.close();
  });

  it('stops at maxMessages without skipping within a group', async () => {
    const queues = open(tempPath());
    await queues.main.send([message('a', 1), message('a', 2), message('a', 3)]);
    const first = await queues.main.receive({ maxMessages: 2, waitSeconds: 0 });
    expect(first.map((m) => m.dedupeId)).toEqual(['a-1', 'a-2']);
    expect(await queues.main.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
    queues.close();
  });
});

describe('SQLite queue: time-based semantics with an injected clock', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = Date.UTC(2025, 0, 1);
  });

  it('drops a repeated dedupe id inside the window', async () => {
    const queues = open(tempPath(), { clock, dedupeWindowSeconds: 300 });
    await queues.main.send([message('a', 1)]);
    now += 299_000;
    await queues.main.send([message('a', 1)]);
    expect(await drain(queues.main, 2)).toHaveLength(1);
    queues.close();
  });

  it('accepts a repeated dedupe id after the window', async () => {
    const queues = open(tempPath(), { clock, dedupeWindowSeconds: 300 });
    await queues.main.send([message('a', 1)]);
    now += 300_000;
    await queues.main.send([message('a', 1)]);
    expect(await drain(queues.main, 2)).toHaveLength(2);
    queues.close();
  });

  it('keeps a message in flight until its visibility timeout, then returns it', async () => {
    const queues = open(tempPath(), { clock, visibilityTimeoutSeconds: 30 });
    await queues.main.send([message('a', 1)]);
    const [first] = await queues.main.receive({ maxMessages: 1, waitSeconds: 0 });
    now += 29_999;
    expect(await queues.main.receive({ maxMessages: 1, waitSeconds: 0 })).toEqual([]);
    expect(await queues.main.counts()).toEqual({ visible: 0, inFlight: 1 });
    now += 1;
    const [again] = await queues.main.receive({ maxMessages: 1, waitSeconds: 0 });
    expect(again?.messageId).toBe(first?.messageId);
    expect(again?.systemAttributes?.ApproximateFirstReceiveTimestamp).toBe(String(now - 30_000));
    queues.close();
  });

  it('a receipt handle from an earlier receive no longer deletes the message', async () => {
    const queues = open(tempPath(), { clock, visibilityTimeoutSeconds: 30 });
    await queues.main.send([message('a', 1)]);
    const [stale] = await queues.main.receive({ maxMessages: 1, waitSeconds: 0 });
    now += 30_000;
    const [current] = await queues.main.receive({ maxMessages: 1, waitSeconds: 0 });
    await queues.main.delete([stale?.receiptHandle ?? '']);
    expect(await queues.main.counts()).toEqual({ visible: 0, inFlight: 1 });
    await queues.main.delete([current?.receiptHandle ?? '']);
    expect(await queues.main.counts()).toEqual({ visible: 0, inFlight: 0 });
    queues.close();
  });
});

describe('SQLite queue: durability', () => {
  it('keeps messages, in-flight state and the dedupe window across close and reopen', async () => {
    let now = Date.UTC(2025, 0, 1);
    const clock = () => now;
    const path = tempPath();
    const first = open(path, { clock });
    await first.main.send([message('a', 1), message('a', 2), message('b', 1)]);
    const [inFlight] = await first.main.receive({ maxMessages: 1, waitSeconds: 0 });
    first.close();

    const second = open(path, { clock });
    await second.main.send([message('b', 1)]);
    expect((await second.main.receive({ maxMessages: 10, waitSeconds: 0 })).map((m) => m.dedupeId)).toEqual([
      'b-1',
    ]);
    now += 30_000;
    const [back] = await second.main.receive({ maxMessages: 1, waitSeconds: 0 });
    expect(back?.messageId).toBe(inFlight?.messageId);
    expect(back?.receiveCount).toBe(2);
    second.close();
  });

  it('opens a file written by schema 1 (no group index) and serves its messages in order', async () => {
    const path = tempPath();
    const first = open(path);
    await first.main.send([message('a', 1), message('b', 1), message('a', 2)]);
    first.close();
    const raw = openSqliteDatabase(path);
    raw.exec('DROP TABLE queue_groups');
    raw.pragma('user_version = 1');
    raw.close();

    const reopened = open(path);
    expect((await drain(reopened.main, 3)).map((m) => m.dedupeId)).toEqual(['a-1', 'a-2', 'b-1']);
    reopened.close();
  });

  it('closing fails a later receive instead of answering empty (a poller must back off, not spin)', async () => {
    const queues = open(tempPath());
    queues.close();
    await expect(queues.main.receive({ maxMessages: 1, waitSeconds: 0 })).rejects.toMatchObject({
      code: 'queue_unavailable',
    });
  });

  it('loses no acknowledged message when the sending process is SIGKILLed', async () => {
    const path = tempPath();
    const child = spawnChild(path, '500');
    const acked = await readLinesUntil(
      child,
      (lines) => lines.filter((l) => l.startsWith('ack')).length >= 40,
    );
    child.kill('SIGKILL');
    await exited(child);
    const ackedIds = acked.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4));

    const queues = open(path);
    const stored = await queues.main.browse();
    const storedIds = new Set(stored.map((m) => m.dedupeId));
    expect(ackedIds.filter((id) => !storedIds.has(id))).toEqual([]);
    const order = bodiesByGroup(stored);
    for (const ns of Object.values(order)) expect(ns).toEqual([...ns].sort((x, y) => x - y));
    queues.close();
  });

  it('returns a message received by a process that was SIGKILLed once its visibility expires', async () => {
    const path = tempPath();
    const seed = open(path);
    await seed.main.send([message('a', 1)]);
    seed.close();
    const child = spawnChild(path, '0', 'receive-and-hang');
    await readLinesUntil(child, (lines) => lines.some((l) => l.startsWith('received a-1')));
    child.kill('SIGKILL');
    await exited(child);

    const queues = open(path);
    const [back] = await queues.main.receive({ maxMessages: 1, waitSeconds: 5 });
    expect(back).toMatchObject({ dedupeId: 'a-1', receiveCount: 2 });
    queues.close();
  });

  it('wakes a long poll for a message sent by another process', async () => {
    const path = tempPath();
    const queues = open(path);
    const waiting = queues.main.receive({ maxMessages: 10, waitSeconds: 15 });
    const child = spawnChild(path, '1');
    const got = await waiting;
    child.kill('SIGKILL');
    await exited(child);
    expect(got.map((m) => m.dedupeId)).toEqual(['cmd-1']);
    queues.close();
  });
});

const childScript = fileURLToPath(new URL('./sqlite-child.ts', import.meta.url));

function spawnChild(path: string, count: string, mode = 'send'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', childScript, path, count, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function readLinesUntil(child: ChildProcess, done: (lines: string[]) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
      if (done(lines)) resolve(lines);
    });
    child.once('exit', (code) =>
      reject(new Error(`child exited early (${code}) after ${lines.length} lines`)),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}
