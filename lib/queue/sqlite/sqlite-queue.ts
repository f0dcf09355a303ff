// An embedded durable FIFO queue behind the Queue port (SQLite, WAL) with SQS FIFO semantics, for local mode.
import { EventEmitter } from 'node:events';
import { type OpenSqliteOptions, openSqliteDatabase, type SqliteDatabase } from '../../sqlite/sqlite-db.ts';
import { timeOrderedId } from '../../time-ordered-id.ts';
import { messageSize, SQS_MAX_BATCH_BYTES } from '../batching.ts';
import { QueueError } from '../errors.ts';
import type { OutgoingMessage, Queue, QueueCounts, ReceivedMessage, ReceiveOptions } from '../queue.ts';
import { type MessageRow, REBUILD_GROUPS_SQL, SCHEMA_SQL, SCHEMA_VERSION } from './sqlite-schema.ts';
import { prepareStatements, toReceived } from './sqlite-statements.ts';

export interface SqliteQueuesOptions extends OpenSqliteOptions {
  /** The database file (`:memory:` for a throwaway queue); parent folders are created. */
  path: string;
  mainName: string;
  dlqName: string;
  /** Receives after which the next receive moves a message to the DLQ instead (as SQS's RedrivePolicy). */
  maxReceiveCount: number;
  /** Default visibility timeout of both queues. */
  visibilityTimeoutSeconds: number;
  /** FIFO deduplication interval (default 300 s, as SQS). */
  dedupeWindowSeconds?: number;
  /** How often a waiting receive looks for messages sent by another process or made visible (default 50 ms). */
  pollIntervalMs?: number;
  /** Epoch ms; injectable so tests can move time. */
  clock?: () => number;
}

export interface SqliteQueue extends Queue {
  readonly name: string;
  counts(): Promise<QueueCounts>;
  /** Every message, oldest first, without receiving it (no receive count, no visibility change). */
  browse(): Promise<ReceivedMessage[]>;
}

export interface SqliteQueues {
  main: SqliteQueue;
  dlq: SqliteQueue;
  close(): void;
}

interface QueueConfig {
  name: string;
  redrive?: { dlq: string; maxReceiveCount: number };
}

export function openSqliteQueues(options: SqliteQueuesOptions): SqliteQueues {
  const db = openSqliteDatabase(options.path, options);
  migrate(db);
  const clock = options.clock ?? Date.now;
  const wakeups = new EventEmitter();
  wakeups.setMaxListeners(0);
  const state = { closed: false };
  const shared = {
    db,
    clock,
    wakeups,
    state,
    visibilityMs: options.visibilityTimeoutSeconds * 1000,
    dedupeMs: (options.dedupeWindowSeconds ?? 300) * 1000,
    pollIntervalMs: options.pollIntervalMs ?? 50,
  };
  const main = createQueue(shared, {
    name: options.mainName,
    redrive: { dlq: options.dlqName, maxReceiveCount: options.maxReceiveCount },
  });
  const dlq = createQueue(shared, { name: options.dlqName });
  return {
    main,
    dlq,
    close() {
      if (state.closed) return;
      state.closed = true;
      wakeups.emit('close');
      db.close();
    },
  };
}

function migrate(db: SqliteDatabase): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    throw new QueueError(
      'queue_rejected',
      `queue file has schema ${version}, newer than this version understands`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(SCHEMA_SQL);
    if (version > 0) db.exec(REBUILD_GROUPS_SQL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

interface Shared {
  db: SqliteDatabase;
  clock: () => number;
  wakeups: EventEmitter;
  state: { closed: boolean };
  visibilityMs: number;
  dedupeMs: number;
  pollIntervalMs: number;
}

function createQueue(shared: Shared, config: QueueConfig): SqliteQueue {
  const { db, clock, wakeups, state } = shared;
  const q = config.name;
  const stmt = prepareStatements(db);

  /** Re-reads a group's head and busy time after its messages changed (deleted, received, made visible). */
  function refreshGroup(queue: string, groupId: string): void {
    const { head, busy } = stmt.groupState.get(queue, groupId) ?? { head: null, busy: null };
    if (head === null) stmt.groupDrop.run(queue, groupId);
    else stmt.groupPut.run(queue, groupId, head, busy ?? 0);
  }

  let lastPrune = Number.NEGATIVE_INFINITY;
  const sendAll = db.transaction((messages: readonly OutgoingMessage[], now: number) => {
    // Expired dedupe ids are only dead weight; clearing them once a second is plenty.
    if (now - lastPrune >= 1_000 || now < lastPrune) {
      stmt.dedupePrune.run(q, now);
      lastPrune = now;
    }
    for (const message of messages) {
      // Within the window a repeated dedupe id is accepted and dropped, as SQS does.
      if (stmt.dedupeHit.get(q, message.dedupeId, now)) continue;
      stmt.dedupePut.run(q, message.dedupeId, now + shared.dedupeMs);
      const { lastInsertRowid } = stmt.insert.run(
        q,
        timeOrderedId(now),
        message.groupId,
        message.dedupeId,
        message.body,
        JSON.stringify(message.attributes ?? {}),
        now,
        now,
      );
      stmt.groupAdd.run(q, message.groupId, lastInsertRowid);
    }
  });

  const receiveNow = db.transaction((max: number, visibilityMs: number, now: number): MessageRow[] => {
    const taken: MessageRow[] = [];
    while (taken.length < max) {
      const groups = stmt.availableGroups.all(q, now, max - taken.length);
      if (groups.length === 0) break;
      for (const { group_id } of groups) {
        if (taken.length >= max) break;
        // SQS returns as many messages of one group as it can, in order, before moving to the next group.
        for (const row of stmt.groupHead.all(q, group_id, max - taken.length)) {
          if (row.visible_at > now) break;
          if (config.redrive && row.receive_count >= config.redrive.maxReceiveCount) {
            const dlq = config.redrive.dlq;
            stmt.deleteSeq.run(row.seq);
            const { lastInsertRowid } = stmt.moveToDlq.run({ ...row, queue: dlq, visible_at: now });
            stmt.groupAdd.run(dlq, row.group_id, lastInsertRowid);
            wakeups.emit(dlq);
            continue;
          }
          const handle = timeOrderedId(now);
          stmt.take.run(now + visibilityMs, handle, now, row.seq);
          taken.push({
            ...row,
            receive_count: row.receive_count + 1,
            first_received_at: row.first_received_at ?? now,
            receipt_handle: handle,
          });
        }
        refreshGroup(q, group_id);
      }
    }
    return taken;
  });

  function waitForWake(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakeups.off(q, done);
        wakeups.off('close', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeups.on(q, done);
      wakeups.on('close', done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  return {
    name: q,

    async send(messages) {
      if (messages.length === 0) return;
      guardOpen(state);
      // Same limit as the SQS adapter, so local mode cannot accept what AWS would refuse.
      messages.forEach((m, index) => {
        const size = messageSize(m);
        if (size > SQS_MAX_BATCH_BYTES) {
          throw new QueueError(
            'message_too_large',
            `message ${index} is ${size} bytes; at most ${SQS_MAX_BATCH_BYTES}`,
            {
              failedIndexes: [index],
            },
          );
        }
      });
      sendAll.immediate(messages, clock());
      wakeups.emit(q);
    },

    async receive({ maxMessages, waitSeconds, visibilityTimeoutSeconds, signal }: ReceiveOptions) {
      const max = Math.min(10, Math.max(1, Math.floor(maxMessages)));
      const visibilityMs =
        visibilityTimeoutSeconds === undefined
          ? shared.visibilityMs
          : Math.max(0, visibilityTimeoutSeconds) * 1000;
      // The long-poll deadline is real elapsed time, independent of the (injectable) message clock.
      const deadline = performance.now() + Math.max(0, waitSeconds) * 1000;
      for (;;) {
        if (signal?.aborted) return [];
        // A closed file is an error, not an empty queue: a poller must back off, not spin.
        guardOpen(state);
        const rows = receiveNow.immediate(max, visibilityMs, clock());
        if (rows.length > 0) return rows.map(toReceived);
        const remaining = deadline - performance.now();
        if (remaining <= 0) return [];
        await waitForWake(Math.min(remaining, shared.pollIntervalMs), signal);
      }
    },

    async delete(receiptHandles) {
      guardOpen(state);
      // Unknown or superseded handles are ignored: a handle from an earlier receive must not delete a message
      // that another consumer has received since.
      db.transaction(() => {
        const groups = new Set<string>();
        for (const handle of receiptHandles) {
          const deleted = stmt.deleteHandle.get(q, handle);
          if (deleted) groups.add(deleted.group_id);
        }
        for (const group of groups) refreshGroup(q, group);
      }).immediate();
    },

    async changeVisibility(receiptHandle, seconds) {
      guardOpen(state);
      const now = clock();
      const changed = db
        .transaction(() => {
          const row = stmt.changeVisibility.get(now + Math.max(0, seconds) * 1000, q, receiptHandle, now);
          if (row) refreshGroup(q, row.group_id);
          return row !== undefined;
        })
        .immediate();
      if (!changed) {
        throw new QueueError('message_not_in_flight', `message not in flight in queue ${q}`);
      }
      if (seconds <= 0) wakeups.emit(q);
    },

    async counts() {
      guardOpen(state);
      const now = clock();
      return stmt.counts.get(now, now, q) ?? { visible: 0, inFlight: 0 };
    },

    async browse() {
      guardOpen(state);
      return stmt.browse.all(q).map(toReceived);
    },
  };
}

function guardOpen(state: { closed: boolean }): void {
  if (state.closed) throw new QueueError('queue_unavailable', 'the queue file is closed');
}
