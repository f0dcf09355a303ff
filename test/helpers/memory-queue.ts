// A Queue port that keeps what was sent, for tests that check what would travel (not how the queue behaves).
import type { OutgoingMessage, Queue } from '../../lib/queue/queue.ts';

export interface MemoryQueue extends Queue {
  sent: OutgoingMessage[];
  /** Makes the next `send` call throw after accepting `accepted` messages (a queue outage mid-batch). */
  failNextSend(accepted: number): void;
}

export function memoryQueue(): MemoryQueue {
  let failAfter: number | undefined;
  const sent: OutgoingMessage[] = [];
  return {
    sent,
    failNextSend(accepted) {
      failAfter = accepted;
    },
    async send(messages) {
      if (failAfter !== undefined) {
        const accepted = failAfter;
        failAfter = undefined;
        sent.push(...messages.slice(0, accepted));
        throw Object.assign(new Error('queue unavailable'), { retryable: true });
      }
      sent.push(...messages);
    },
    async receive() {
      return [];
    },
    async delete() {},
    async changeVisibility() {},
  };
}
