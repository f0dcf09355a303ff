// Chunking for SendMessageBatch: ≤10 entries, ≤256 KiB, input order kept, oversized messages refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkMessages, messageSize } from '../../../lib/queue/batching.ts';
import { QueueError } from '../../../lib/queue/errors.ts';
import type { OutgoingMessage } from '../../../lib/queue/queue.ts';

const msg = (body: string, attributes?: Record<string, string>): OutgoingMessage => ({
  groupId: 'g',
  dedupeId: body.slice(0, 8),
  body,
  attributes,
});

describe('messageSize', () => {
  it('counts body bytes (UTF-8) and each attribute name, type and value', () => {
    expect(messageSize(msg('é'))).toBe(2);
    expect(messageSize(msg('ab', { reason: 'x' }))).toBe(2 + 6 + 6 + 1);
  });
});

describe('chunkMessages', () => {
  it('splits 25 small messages 10/10/5', () => {
    const messages = Array.from({ length: 25 }, (_, i) => msg(`m${i}`));
    expect(chunkMessages(messages).map((c) => c.length)).toEqual([10, 10, 5]);
  });

  it('starts a new chunk before the byte limit is crossed', () => {
    const chunks = chunkMessages([msg('a'.repeat(6)), msg('b'.repeat(5)), msg('c')], {
      maxEntries: 10,
      maxBytes: 10,
    });
    expect(chunks).toEqual([[0], [1, 2]]);
  });

  it('refuses a message larger than a whole batch', () => {
    expect(() => chunkMessages([msg('a'), msg('b'.repeat(11))], { maxEntries: 10, maxBytes: 10 })).toThrow(
      QueueError,
    );
  });

  it('keeps every index once, in order, within both limits (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 120 }), { maxLength: 60 }), (sizes) => {
        const messages = sizes.map((n) => msg('x'.repeat(n)));
        const chunks = chunkMessages(messages, { maxEntries: 10, maxBytes: 200 });
        expect(chunks.flat()).toEqual(messages.map((_, i) => i));
        for (const chunk of chunks) {
          expect(chunk.length).toBeGreaterThan(0);
          expect(chunk.length).toBeLessThanOrEqual(10);
          expect(
            chunk.reduce((sum, i) => sum + messageSize(messages[i] as OutgoingMessage), 0),
          ).toBeLessThanOrEqual(200);
        }
      }),
    );
  });
});
