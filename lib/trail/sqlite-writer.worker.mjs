// The SQLite trail's writer thread: owns the one connection that writes the trail file, so JSON serialising,
// inserting and committing (and SQLite's checkpoints) never run on the event loop that answers webhooks.
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
  write = trailWrites(db);
  replies.postMessage({ type: 'opened', ok: true });
} catch {
  replies.postMessage({ type: 'opened', ok: false });
}

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    try {
      db?.close();
    } finally {
      // `replies` stays open: the owner drains what is on it, then closes it.
      Atomics.store(closedFlag, 0, 1);
      Atomics.notify(closedFlag, 0);
      parentPort.close();
    }
    return;
  }
  // `write` never throws: each write's outcome, failed or not, goes back by position.
  replies.postMessage({ type: 'done', id: message.id, outcomes: write(message.writes) });
});
