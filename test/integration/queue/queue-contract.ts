// The Queue port's contract, run against every adapter (embedded SQLite and SQS over fauxqs).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueError } from '../../../lib/queue/errors.ts';
import type { Queue } from '../../../lib/queue/queue.ts';
import { bodiesByGroup, drain, interleaved, message } from './queue-helpers.ts';

export interface QueueHarness {
  main: Queue;
  dlq: Queue;
  /** The main queue's redrive threshold. */
  maxReceiveCount: number;
  close(): Promise<void>;
}

export function describeQueueContract(label: string, open: () => Promise<QueueHarness>): void {
  describe(`Queue contract: ${label}`, () => {
    let h: QueueHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.close();
    });

    it('delivers each group in the order it was sent', async () => {
      const sent = interleaved(['a', 'b', 'c'], 5);
      await h.main.send(sent);
      const got = await drain(h.main, sent.length);
      expect(bodiesByGroup(got)).toEqual({ a: [1, 2, 3, 4, 5], b: [1, 2, 3, 4, 5], c: [1, 2, 3, 4, 5] });
    });

    it('blocks a group while one of its messages is in flight', async () => {
      await h.main.send([message('a', 1), message('a', 2)]);
      const [first] = await h.main.receive({ maxMessages: 1, waitSeconds: 0 });
      expect(first?.body).toBe(message('a', 1).body);
      expect(await h.main.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
      await h.main.delete([first?.receiptHandle ?? '']);
      const [second] = await h.main.receive({ maxMessages: 10, waitSeconds: 0 });
      expect(second?.body).toBe(message('a', 2).body);
    });

    it('does not let a blocked group hold up another group', async () => {
      await h.main.send([message('a', 1), message('a', 2), message('b', 1)]);
      const [first] = await h.main.receive({ maxMessages: 1, waitSeconds: 0 });
      expect(first?.groupId).toBe('a');
      const next = await h.main.receive({ maxMessages: 10, waitSeconds: 0 });
      expect(next.map((m) => m.body)).toEqual([message('b', 1).body]);
    });

    it('drops a message whose dedupe id was sent before, in a later send', async () => {
      await h.main.send([message('a', 1)]);
      await h.main.send([message('a', 1, { body: 'a retry of the same command' }), message('a', 2)]);
      const got = await drain(h.main, 3);
      expect(got.map((m) => m.body)).toEqual([message('a', 1).body, message('a', 2).body]);
    });

    it('keeps messages that share a body but not a dedupe id', async () => {
      await h.main.send([
        { groupId: 'a', dedupeId: 'x', body: 'same' },
        { groupId: 'a', dedupeId: 'y', body: 'same' },
      ]);
      expect((await drain(h.main, 2)).map((m) => m.dedupeId)).toEqual(['x', 'y']);
    });

    it('returns message attributes, group, dedupe id, receive count and sent time', async () => {
      await h.main.send([message('u1', 1, { attributes: { reason: 'not_found', rule: 'trial→paid' } })]);
      const [m] = await h.main.receive({ maxMessages: 1, waitSeconds: 0 });
      expect(m).toMatchObject({
        groupId: 'u1',
        dedupeId: 'u1-1',
        attributes: { reason: 'not_found', rule: 'trial→paid' },
        receiveCount: 1,
      });
      expect(m?.sentAt).toBeGreaterThan(0);
      expect(m?.systemAttributes?.MessageGroupId).toBe('u1');
    });

    it('makes a message visible again with changeVisibility(0), counting the receive', async () => {
      await h.main.send([message('a', 1)]);
      const [first] = await h.main.receive({ maxMessages: 1, waitSeconds: 0, visibilityTimeoutSeconds: 60 });
      await h.main.changeVisibility(first?.receiptHandle ?? '', 0);
      const [again] = await h.main.receive({ maxMessages: 1, waitSeconds: 0 });
      expect(again?.messageId).toBe(first?.messageId);
      expect(again?.receiveCount).toBe(2);
    });

    it('returns an undeleted message once its visibility timeout expires', async () => {
      await h.main.send([message('a', 1)]);
      const [first] = await h.main.receive({ maxMessages: 1, waitSeconds: 0, visibilityTimeoutSeconds: 1 });
      expect(first).toBeDefined();
      const [again] = await h.main.receive({ maxMessages: 1, waitSeconds: 5 });
      expect(again?.messageId).toBe(first?.messageId);
      expect(again?.receiveCount).toBe(2);
    });

    it('refuses changeVisibility on a deleted message', async () => {
      await h.main.send([message('a', 1)]);
      const [m] = await h.main.receive({ maxMessages: 1, waitSeconds: 0 });
      await h.main.delete([m?.receiptHandle ?? '']);
      const error = await h.main.changeVisibility(m?.receiptHandle ?? '', 0).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueueError);
      expect((error as QueueError).code).toBe('message_not_in_flight');
    });

    it('moves a message to the DLQ on the receive after maxReceiveCount, attributes kept', async () => {
      await h.main.send([message('a', 1, { attributes: { source: 'stripe' } }), message('b', 1)]);
      for (let i = 0; i < h.maxReceiveCount; i++) {
        const batch = await h.main.receive({ maxMessages: 10, waitSeconds: 0 });
        const poison = batch.find((m) => m.groupId === 'a');
        expect(poison?.receiveCount).toBe(i + 1);
        for (const m of batch) {
          if (m.groupId === 'a') await h.main.changeVisibility(m.receiptHandle, 0);
          else await h.main.delete([m.receiptHandle]);
        }
      }
      expect(await h.main.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
      const [dead] = await h.dlq.receive({ maxMessages: 10, waitSeconds: 1 });
      expect(dead).toMatchObject({
        body: message('a', 1).body,
        groupId: 'a',
        attributes: { source: 'stripe' },
      });
    });

    it('sends 25 messages in one call', async () => {
      const sent = interleaved(['a', 'b', 'c', 'd', 'e'], 5);
      await h.main.send(sent);
      const got = await drain(h.main, 25);
      expect(got).toHaveLength(25);
      expect(new Set(got.map((m) => m.dedupeId)).size).toBe(25);
    });

    it('sends messages totalling more than 256 KiB in one call', async () => {
      const sent = [1, 2, 3, 4].map((n) => message('big', n, { body: `${n}`.padEnd(100 * 1024, '.') }));
      await h.main.send(sent);
      const got = await drain(h.main, 4);
      expect(got.map((m) => m.body.length)).toEqual([102400, 102400, 102400, 102400]);
      expect(got.map((m) => m.body[0])).toEqual(['1', '2', '3', '4']);
    });

    it('rejects a single message over 256 KiB before sending anything', async () => {
      const error = await h.main
        .send([message('a', 1), message('a', 2, { body: 'x'.repeat(256 * 1024 + 1) })])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueueError);
      expect((error as QueueError).code).toBe('message_too_large');
      expect(await h.main.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
    });

    it('long-polls: a waiting receive returns a message sent while it waits', async () => {
      const waiting = h.main.receive({ maxMessages: 10, waitSeconds: 10 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await h.main.send([message('a', 1)]);
      expect((await waiting).map((m) => m.body)).toEqual([message('a', 1).body]);
    });

    it('returns nothing from an aborted receive', async () => {
      const controller = new AbortController();
      const waiting = h.main.receive({ maxMessages: 10, waitSeconds: 10, signal: controller.signal });
      controller.abort();
      expect(await waiting).toEqual([]);
    });
  });
}
