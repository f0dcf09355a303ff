// Test factories and a drain loop shared by the queue contract suite and the poller tests.
import type { OutgoingMessage, Queue, ReceivedMessage } from '../../../lib/queue/queue.ts';

export function message(groupId: string, n: number, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { groupId, dedupeId: `${groupId}-${n}`, body: JSON.stringify({ groupId, n }), ...extra };
}

/** Interleaves `perGroup` messages of each group: a1 b1 c1 a2 b2 c2 … */
export function interleaved(groups: readonly string[], perGroup: number): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (let n = 1; n <= perGroup; n++) for (const g of groups) out.push(message(g, n));
  return out;
}

/** Receives and deletes until `expected` messages came back or the queue stays empty. */
export async function drain(queue: Queue, expected: number, maxEmpty = 3): Promise<ReceivedMessage[]> {
  const got: ReceivedMessage[] = [];
  let empty = 0;
  while (got.length < expected && empty < maxEmpty) {
    const batch = await queue.receive({ maxMessages: 10, waitSeconds: 0 });
    if (batch.length === 0) {
      empty++;
      continue;
    }
    empty = 0;
    got.push(...batch);
    await queue.delete(batch.map((m) => m.receiptHandle));
  }
  return got;
}

export function bodiesByGroup(messages: readonly ReceivedMessage[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const m of messages) {
    const { n } = JSON.parse(m.body) as { n: number };
    const list = out[m.groupId] ?? [];
    list.push(n);
    out[m.groupId] = list;
  }
  return out;
}
