// Where the SQLite trail's writes run: on a writer thread for a trail file, so the event loop that answers
// webhooks pays only for turning a record into its row (`rowOf`: its JSON and keys, ~10 µs for a webhook's)
// and handing that over, not for inserting and committing it (~0.1 ms a webhook record under load, and a
// checkpoint now and then); in this thread for `:memory:`, which no other thread can open.
//
// Either way, writes made in the same turn of the event loop go out together and share one transaction, in the
// order they were made, and each caller's promise settles once its write is committed (or failed).
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { SqliteDatabase } from '../sqlite/sqlite-db.ts';
import { TrailError } from './errors.ts';
import {
  describe,
  type RowWrite,
  rowOf,
  type TrailWrite,
  trailWrites,
  type WriteOutcome,
} from './sqlite-writes.mjs';

export interface TrailWriter {
  /** Resolves with the write's result (a purge's count) once committed; rejects with a retryable TrailError. */
  write(write: TrailWrite): Promise<unknown>;
  /**
   * Commits every write made so far, then stops; synchronous, as `TrailStore.close` is, so a process that
   * closes its trail and exits loses no record. Later writes are refused.
   */
  close(): void;
  /** Whether writes now go to the writer thread (false before it has opened the file, and for `:memory:`). */
  readonly threaded: boolean;
}

/** A caller waiting on its write. */
interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Queued extends Waiter {
  write: RowWrite;
}

/** Collects the writes of one turn; `send` is handed each batch, in order. */
function batcher(send: (batch: Queued[]) => void) {
  let queued: Queued[] = [];
  let immediate: NodeJS.Immediate | undefined;
  const flush = () => {
    if (immediate) clearImmediate(immediate);
    immediate = undefined;
    const batch = queued;
    queued = [];
    if (batch.length > 0) send(batch);
  };
  return {
    add(write: RowWrite): Promise<unknown> {
      return new Promise((resolve, reject) => {
        queued.push({ write, resolve, reject });
        immediate ??= setImmediate(flush);
      });
    },
    flush,
  };
}

function settle(batch: readonly Waiter[], outcomes: readonly WriteOutcome[]): void {
  batch.forEach((item, index) => {
    const outcome = outcomes[index];
    if (outcome?.ok) item.resolve(outcome.value);
    else item.reject(writeFailed(outcome ? outcome.error : { message: 'no outcome for this write' }));
  });
}

function writeFailed(cause: { message: string; code?: string }): TrailError {
  const error = Object.assign(new Error(cause.message), cause.code ? { code: cause.code } : {});
  return new TrailError('trail_unavailable', 'trail write failed', { cause: error });
}

function refused(): Promise<never> {
  return Promise.reject(new TrailError('trail_unavailable', 'the trail is closed'));
}

/**
 * Writes on `db`, this thread's connection, and for a trail file (`path`) on a thread of its own once that thread
 * has opened the file. Until then (the thread is started with the first write, and under load it takes a second
 * or more to load) writes are made here, so no write waits on a thread starting; a thread that cannot open the
 * file is dropped and every write stays here. The two never write at once: a batch made here is committed before
 * the next one is posted, and the thread is given batches only once it said it is ready. A reader (`events
 * list`) never starts a thread.
 */
export function sqliteWriter(db: SqliteDatabase, path: string): TrailWriter {
  let here: ReturnType<typeof trailWrites> | undefined;
  const writeHere = (batch: Queued[]) => {
    here ??= trailWrites(db);
    settle(batch, here(batch.map((item) => item.write)));
  };
  let thread: WriterThread | undefined;
  let threadUsable = path !== ':memory:';
  let closed = false;
  const batches = batcher((batch) => {
    if (thread?.ready) return thread.post(batch);
    if (threadUsable && !thread)
      thread = startThread(path, (ready) => {
        if (!ready) {
          threadUsable = false;
          thread = undefined;
        }
      });
    writeHere(batch);
  });
  return {
    write(write) {
      if (closed) return refused();
      let row: RowWrite;
      try {
        row = rowOf(write);
      } catch (error) {
        return Promise.reject(writeFailed(describe(error)));
      }
      return batches.add(row);
    },
    get threaded() {
      return thread?.ready === true;
    },
    close() {
      if (closed) return;
      closed = true;
      // What was written before the close is committed, not lost.
      batches.flush();
      thread?.close();
      thread = undefined;
    },
  };
}

/** How long `close` waits for the writer thread to commit what it was given. */
const CLOSE_WAIT_MS = 10_000;

interface WriterThread {
  /** Set once the thread has opened the file; only then is it given batches. */
  readonly ready: boolean;
  post(batch: Queued[]): void;
  /** Commits what it was given and stops (blocks until then), or is stopped at once if never ready. */
  close(): void;
}

/**
 * The writer thread. It keeps the process alive only while a batch is unanswered. `onOpened(false)`: the thread
 * could not open the file, or died; its unanswered writes are failed, and the caller writes on its own thread.
 */
function startThread(path: string, onOpened: (ready: boolean) => void): WriterThread {
  // Only the callers are kept while the thread has a batch: its rows (a webhook's is ~10 KB) would otherwise live
  // past a young-generation collection, and cost a full one later.
  const inFlight = new Map<number, Waiter[]>();
  let nextId = 0;
  let ready = false;
  let gone = false;
  const channel = new MessageChannel();
  const replies: MessagePort = channel.port1;
  const closedFlag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./sqlite-writer.worker.mjs', import.meta.url), {
    workerData: { path, busyTimeoutMs: 5_000, replies: channel.port2, closed: closedFlag.buffer },
    transferList: [channel.port2],
  });
  worker.unref();

  const failAll = (message: string) => {
    for (const batch of inFlight.values()) for (const item of batch) item.reject(writeFailed({ message }));
    inFlight.clear();
  };
  const lost = (why: string) => {
    if (gone) return;
    gone = true;
    ready = false;
    replies.close();
    failAll(why);
    onOpened(false);
  };
  const onReply = (reply: Reply) => {
    if (reply.type === 'opened') {
      if (reply.ok) {
        ready = true;
        onOpened(true);
      } else {
        lost('the trail writer thread could not open the file');
        void worker.terminate();
      }
      return;
    }
    const batch = inFlight.get(reply.id);
    if (!batch) return;
    inFlight.delete(reply.id);
    if (inFlight.size === 0) worker.unref();
    settle(batch, reply.outcomes);
  };
  replies.on('message', onReply);
  replies.unref();
  worker.on('error', (error) => lost(`the trail writer thread failed: ${error.message}`));
  worker.on('exit', (code) => lost(`the trail writer thread exited with code ${code}`));

  return {
    get ready() {
      return ready && !gone;
    },
    post(batch) {
      const id = nextId++;
      inFlight.set(
        id,
        batch.map(({ resolve, reject }) => ({ resolve, reject })),
      );
      if (inFlight.size === 1) worker.ref();
      worker.postMessage({ type: 'batch', id, writes: batch.map((item) => item.write) });
    },
    close() {
      if (gone) return;
      gone = true;
      if (!ready) {
        replies.close();
        void worker.terminate();
        return;
      }
      worker.postMessage({ type: 'close' });
      // Blocks this thread until the writer has committed the batches before the close and closed the file.
      const finished = Atomics.wait(closedFlag, 0, 0, CLOSE_WAIT_MS) !== 'timed-out';
      for (let reply = receiveMessageOnPort(replies); reply; reply = receiveMessageOnPort(replies)) {
        onReply(reply.message as Reply);
      }
      failAll(`the trail writer did not finish within ${CLOSE_WAIT_MS} ms of the close`);
      replies.close();
      if (finished) worker.unref();
      else void worker.terminate();
    },
  };
}

type Reply = { type: 'opened'; ok: boolean } | { type: 'done'; id: number; outcomes: WriteOutcome[] };
