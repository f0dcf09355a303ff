// The SQLite trail's writer thread: owns the one connection that writes the trail file, so inserting and
// committing (and SQLite's checkpoints) never run on the event loop that answers webhooks.
// It says on `replies` whether it opened the file; batches then arrive in order on `parentPort`, and each one's
// outcomes go back on `replies`, by batch id. On `close` the connection is closed and `closed[0]` is set, which
// the owner waits for (sqlite-writer.ts).
// Plain JavaScript: see sqlite-writes.mjs.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { trailWrites } from './sqlite-writes.mjs';

const { path, busyTimeoutMs, replies, closed } = workerData;
const closedFlag = new Int32Array(closed);
let db;
let write;

// Opened at once; the owner gives this thread batches only once it says so. Never synced (synchronous=OFF): the
// queue is the source of truth, and a power loss may cost the trail its last records, not a webhook.
try {
  db = new Database(path, { timeout: busyTimeoutMs });
  db.pragma('synchronous = OFF');
  // Index pages read through a memory map rather than a read call each (~15% of a record's cost here).
  db.pragma('mmap_size = 268435456');
  write = trailWrites(db);
  replies.postMessage({ type: 'opened', ok: true });
} catch {
  replies.postMessage({ type: 'opened', ok: false });
}

// A commit costs the pages it touches (and, later, their checkpoint), much the same for one record or fifty: writes
// wait here up to COMMIT_DELAY_MS, or until MAX_PENDING of them, and go out in one transaction. Nothing waits on
// them but the trail's own readers (a webhook's answer never does), and each batch still gets its own outcomes.
const COMMIT_DELAY_MS = 20;
const MAX_PENDING = 500;
let pending = [];
let pendingWrites = 0;
let timer;

function commit() {
  clearTimeout(timer);
  timer = undefined;
  const batches = pending;
  pending = [];
  pendingWrites = 0;
  if (batches.length === 0) return;
  // `write` never throws: each write's outcome, failed or not, goes back by position.
  const outcomes = write(batches.flatMap((batch) => batch.writes));
  let at = 0;
  for (const batch of batches) {
    replies.postMessage({
      type: 'done',
      id: batch.id,
      outcomes: outcomes.slice(at, at + batch.writes.length),
    });
    at += batch.writes.length;
  }
}

function close() {
  try {
    commit();
    db?.close();
  } finally {
    // `replies` stays open: the owner drains what is on it, then closes it.
    Atomics.store(closedFlag, 0, 1);
    Atomics.notify(closedFlag, 0);
    parentPort.close();
  }
}

parentPort.on('message', (message) => {
  if (message.type === 'close') return close();
  pending.push(message);
  pendingWrites += message.writes.length;
  if (pendingWrites >= MAX_PENDING) commit();
  else timer ??= setTimeout(commit, COMMIT_DELAY_MS);
});
