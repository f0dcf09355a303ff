// Reading and redriving dead letters for the console: every message with its reason, and redrive by id.

import { type DlqReason, readDlqReason } from '../dlq/dlq-attributes.ts';
import { type DlqSource, toRedriven } from '../dlq/dlq-tools.ts';
import type { Queue, ReceivedMessage } from '../queue/queue.ts';

export interface DeadLetter {
  message: ReceivedMessage;
  why: DlqReason;
}

export interface ReasonGroup {
  reason: string;
  letters: DeadLetter[];
}

/** Bound on what one page shows; the total still comes from the queue's counts. */
const MAX_SHOWN = 1_000;

/** Every dead letter the DLQ lets us see, grouped by reason (largest group first). */
export async function readDeadLetters(dlq: DlqSource): Promise<ReasonGroup[]> {
  const messages = dlq.browse ? await dlq.browse() : await peek(dlq);
  const groups = new Map<string, DeadLetter[]>();
  for (const message of messages.slice(0, MAX_SHOWN)) {
    const why = readDlqReason(message.attributes, message.body);
    groups.set(why.reason, [...(groups.get(why.reason) ?? []), { message, why }]);
  }
  return [...groups.entries()]
    .map(([reason, letters]) => ({ reason, letters }))
    .sort((a, b) => b.letters.length - a.letters.length || a.reason.localeCompare(b.reason));
}

/** On SQS a look is a receive: hide briefly, then make everything visible again at once. */
async function peek(dlq: Queue): Promise<ReceivedMessage[]> {
  const seen: ReceivedMessage[] = [];
  try {
    while (seen.length < MAX_SHOWN) {
      const batch = await dlq.receive({
        maxMessages: 10,
        waitSeconds: seen.length === 0 ? 1 : 0,
        visibilityTimeoutSeconds: 30,
      });
      if (batch.length === 0) break;
      seen.push(...batch);
    }
  } finally {
    await Promise.allSettled(seen.map((m) => dlq.changeVisibility(m.receiptHandle, 0)));
  }
  return seen;
}

/**
 * Moves the chosen messages back to the main queue: send first, then delete from the DLQ, so a crash in between
 * leaves a copy behind rather than losing one (the redrive dedupe id keeps a rerun from queuing it twice).
 */
export async function redriveMessages(
  dlq: Queue,
  main: Queue,
  messageIds: ReadonlySet<string>,
): Promise<number> {
  const held: ReceivedMessage[] = [];
  let moved = 0;
  try {
    for (let scanned = 0; scanned < 10_000 && moved < messageIds.size; ) {
      const batch = await dlq.receive({
        maxMessages: 10,
        waitSeconds: scanned === 0 ? 1 : 0,
        visibilityTimeoutSeconds: 60,
      });
      if (batch.length === 0) break;
      scanned += batch.length;
      const chosen = batch.filter((m) => messageIds.has(m.messageId));
      held.push(...batch.filter((m) => !messageIds.has(m.messageId)));
      if (chosen.length === 0) continue;
      await main.send(chosen.map(toRedriven));
      await dlq.delete(chosen.map((m) => m.receiptHandle));
      moved += chosen.length;
    }
  } finally {
    await Promise.allSettled(held.map((m) => dlq.changeVisibility(m.receiptHandle, 0)));
  }
  return moved;
}

/** The line the page shows after a redrive, from the redirect's numbers only: a link cannot make it say more. */
export function redriveFlash(
  query: Record<string, string>,
  queues: readonly { name: string }[],
): string | undefined {
  const moved = Number.parseInt(query.moved ?? '', 10);
  const queue = queues.find((q) => q.name === query.queue)?.name;
  if (!Number.isInteger(moved) || !queue) return undefined;
  if (query.of === undefined) return `Redrove ${moved} message(s) to ${queue}.`;
  const of = Number.parseInt(query.of, 10);
  if (of === 0) return 'Nothing selected: tick the messages to redrive, or redrive all of a reason.';
  return `Redrove ${moved} of ${of} selected message(s) to ${queue}.`;
}
