// Test doubles for the ingest app: a FIFO-like memory queue with outages, an in-memory idempotency store with
// DynamoDB's put conditions, and a log capture. Each is the port's behaviour, not a mock of a library.
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, type IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { vi } from 'vitest';
import { QueueError } from '../../../lib/queue/errors.ts';
import type { OutgoingMessage, Queue } from '../../../lib/queue/queue.ts';

export interface FakeQueue extends Queue {
  /** Every `send` call's messages, as received (a retry of the same command shows up twice here). */
  readonly sendCalls: OutgoingMessage[][];
  /** What a FIFO queue would hold: accepted messages, minus those whose dedupe id was already accepted. */
  readonly queued: OutgoingMessage[];
  /** The next `send` accepts its first `accepted` messages, then throws a retryable QueueError. */
  failNextSend(accepted?: number): void;
  /** Every `send` throws until `recover()`. */
  goDown(): void;
  recover(): void;
  /** The next `send` waits for the returned release function before it completes. */
  holdNextSend(): () => void;
}

export function fakeQueue(): FakeQueue {
  const sendCalls: OutgoingMessage[][] = [];
  const queued: OutgoingMessage[] = [];
  const seen = new Set<string>();
  let failAfter: number | undefined;
  let down = false;
  let hold: Promise<void> | undefined;

  const accept = (messages: readonly OutgoingMessage[]) => {
    for (const message of messages) {
      if (seen.has(message.dedupeId)) continue;
      seen.add(message.dedupeId);
      queued.push(message);
    }
  };

  return {
    sendCalls,
    queued,
    failNextSend(accepted = 0) {
      failAfter = accepted;
    },
    goDown() {
      down = true;
    },
    recover() {
      down = false;
    },
    holdNextSend() {
      let release!: () => void;
      hold = new Promise<void>((resolve) => {
        release = resolve;
      });
      return release;
    },
    async send(messages) {
      sendCalls.push([...messages]);
      if (hold) {
        const waiting = hold;
        hold = undefined;
        await waiting;
      }
      if (down) throw new QueueError('queue_unreachable', 'queue endpoint unreachable');
      if (failAfter !== undefined) {
        const accepted = failAfter;
        failAfter = undefined;
        accept(messages.slice(0, accepted));
        throw new QueueError('queue_send_incomplete', 'some messages were not accepted', {
          failedIndexes: messages.map((_, i) => i).slice(accepted),
        });
      }
      accept(messages);
    },
    async receive() {
      return [];
    },
    async delete() {},
    async changeVisibility() {},
  };
}

/** An in-memory persistence layer with the DynamoDB layer's conditional put, plus an outage switch. */
export class MemoryPersistenceLayer extends BasePersistenceLayer {
  readonly records = new Map<string, IdempotencyRecord>();
  down = false;

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    this.check();
    const existing = this.records.get(record.idempotencyKey);
    const now = Date.now();
    const free =
      !existing ||
      (existing.expiryTimestamp !== undefined && existing.expiryTimestamp < now / 1000) ||
      (existing.getStatus() === 'INPROGRESS' &&
        existing.inProgressExpiryTimestamp !== undefined &&
        existing.inProgressExpiryTimestamp < now);
    if (!free) throw new IdempotencyItemAlreadyExistsError('exists', existing);
    this.records.set(record.idempotencyKey, record);
  }

  protected async _getRecord(key: string): Promise<IdempotencyRecord> {
    this.check();
    const record = this.records.get(key);
    if (!record) throw new IdempotencyItemNotFoundError(key);
    return record;
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.check();
    this.records.set(record.idempotencyKey, record);
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.check();
    this.records.delete(record.idempotencyKey);
  }

  private check(): void {
    if (this.down) throw new Error('idempotency table unreachable');
  }
}

export interface LogCapture {
  /** Every JSON log line written so far, parsed. */
  entries(): Record<string, unknown>[];
  /** Everything written, raw, for leak checks. */
  text(): string;
  restore(): void;
}

/** Captures what the Powertools logger writes (it writes to process.stdout/stderr through its own Console). */
export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(record);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(record);
  return {
    entries: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => chunks.join(''),
    restore() {
      out.mockRestore();
      err.mockRestore();
    },
  };
}
