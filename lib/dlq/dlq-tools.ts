// What `dlq list` and `dlq redrive` do, over any Queue: summarise why messages are dead, and move them back.

import { QueueError } from '../queue/errors.ts';
import type { OutgoingMessage, Queue, QueueCounts, ReceivedMessage } from '../queue/queue.ts';
import { DLQ_ATTRIBUTES, type DlqReason, readDlqReason } from './dlq-attributes.ts';

/** Optional abilities an adapter may have beyond the port. */
export interface DlqSource extends Queue {
  /** Every message without receiving it (the SQLite queue). */
  browse?(): Promise<ReceivedMessage[]>;
  counts?(): Promise<QueueCounts>;
  /** SQS StartMessageMoveTask back to `destinationArn` (the SQS adapter). */
  startMessageMoveTask?(options?: { destinationArn?: string }): Promise<{ taskHandle: string }>;
}

export interface DlqScanOptions {
  /** How long scanned messages stay hidden while the scan runs (SQS); they are released right after. */
  peekVisibilitySeconds?: number;
  /** Stop after this many messages. */
  maxMessages?: number;
}

export interface ReasonSummary {
  reason: string;
  count: number;
  /** ISO time of the oldest message with this reason (its failure time, or when it was sent). */
  oldest: string;
  sources: Record<string, number>;
  rules: Record<string, number>;
  statuses: Record<string, number>;
  /** One error message, as an example. */
  example?: string;
}

export interface DlqListing {
  scanned: number;
  /** Approximate messages in the DLQ, as the queue reports it. */
  approximateTotal?: number;
  /**
   * False when some messages could not be seen: on an SQS FIFO DLQ a message group is hidden behind its first
   * message while that one is being scanned, so a group's later messages are only counted in the total.
   */
  complete: boolean;
  reasons: ReasonSummary[];
}

export async function listDlq(dlq: DlqSource, options: DlqScanOptions = {}): Promise<DlqListing> {
  const counts = await dlq.counts?.();
  const approximateTotal = counts ? counts.visible + counts.inFlight : undefined;
  const messages = dlq.browse ? await dlq.browse() : await peekAll(dlq, options);
  return {
    scanned: messages.length,
    ...(approximateTotal !== undefined ? { approximateTotal } : {}),
    complete:
      dlq.browse !== undefined || approximateTotal === undefined || messages.length >= approximateTotal,
    reasons: summarise(messages),
  };
}

/**
 * One dead message, by the DLQ's own message id, the id it had on the main queue (what the trail's attempts
 * record) or its command id: whichever of them the user has in hand. Nothing is received for good: SQS
 * messages are made visible again once scanned.
 */
export async function findDeadLetter(
  dlq: DlqSource,
  id: string,
  options: DlqScanOptions = {},
): Promise<ReceivedMessage | undefined> {
  const messages = dlq.browse ? await dlq.browse() : await peekAll(dlq, options);
  return (
    messages.find((m) => m.messageId === id) ??
    messages.find(
      (m) =>
        m.attributes[DLQ_ATTRIBUTES.messageId] === id || readDlqReason(m.attributes, m.body).commandId === id,
    )
  );
}

/** Receives everything it can with a short visibility timeout, then makes it all visible again. */
async function peekAll(dlq: Queue, options: DlqScanOptions): Promise<ReceivedMessage[]> {
  const seen: ReceivedMessage[] = [];
  const max = options.maxMessages ?? 10_000;
  try {
    while (seen.length < max) {
      const batch = await dlq.receive({
        maxMessages: Math.min(10, max - seen.length),
        waitSeconds: seen.length === 0 ? 1 : 0,
        visibilityTimeoutSeconds: options.peekVisibilitySeconds ?? 30,
      });
      if (batch.length === 0) break;
      seen.push(...batch);
    }
  } finally {
    await release(dlq, seen);
  }
  return seen;
}

async function release(queue: Queue, messages: readonly ReceivedMessage[]): Promise<void> {
  await Promise.allSettled(messages.map((m) => queue.changeVisibility(m.receiptHandle, 0)));
}

function summarise(messages: readonly ReceivedMessage[]): ReasonSummary[] {
  const byReason = new Map<string, ReasonSummary & { oldestMs: number }>();
  for (const message of messages) {
    const why = readDlqReason(message.attributes, message.body);
    const at = why.failedAt ? Date.parse(why.failedAt) : message.sentAt;
    const atMs = Number.isFinite(at) ? at : message.sentAt;
    let entry = byReason.get(why.reason);
    if (!entry) {
      entry = {
        reason: why.reason,
        count: 0,
        oldest: '',
        oldestMs: atMs,
        sources: {},
        rules: {},
        statuses: {},
      };
      byReason.set(why.reason, entry);
    }
    entry.count++;
    entry.oldestMs = Math.min(entry.oldestMs, atMs);
    bump(entry.sources, why.source);
    bump(entry.rules, why.rule);
    bump(entry.statuses, why.status);
    if (!entry.example && why.error) entry.example = why.error;
  }
  return [...byReason.values()]
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .map(({ oldestMs, ...rest }) => ({ ...rest, oldest: new Date(oldestMs).toISOString() }));
}

function bump(counts: Record<string, number>, key: string | undefined): void {
  if (key !== undefined) counts[key] = (counts[key] ?? 0) + 1;
}

/** A redrive filter: every given field must equal the message's (`reason=…`, `source=…`, `rule=…`, …). */
export type DlqFilter = Partial<Pick<DlqReason, 'reason' | 'source' | 'rule' | 'commandType' | 'status'>>;

export const FILTER_KEYS: Readonly<Record<string, keyof DlqFilter>> = {
  reason: 'reason',
  source: 'source',
  rule: 'rule',
  command_type: 'commandType',
  status: 'status',
};

export function matchesFilter(message: ReceivedMessage, filter: DlqFilter): boolean {
  const why = readDlqReason(message.attributes, message.body);
  return Object.entries(filter).every(([key, value]) => why[key as keyof DlqFilter] === value);
}

export interface RedriveOptions {
  dlq: DlqSource;
  main: Queue;
  /** The main queue's ARN, for SQS's move task; without it (or with a filter) messages are copied. */
  mainArn?: string;
  filter?: DlqFilter;
  dryRun?: boolean;
  /** Bound on messages handled in one run (default 10,000). */
  maxMessages?: number;
  /** How long a message the filter skips stays hidden during the run (default 60 s); it is released at the end. */
  holdSeconds?: number;
}

export interface RedriveResult {
  method: 'move-task' | 'copy';
  /** Messages that matched (moved, or that would move with `dryRun`). */
  matched: number;
  moved: number;
  /** Messages left in the DLQ because the filter did not match. */
  skipped: number;
  dryRun: boolean;
  taskHandle?: string;
}

/**
 * Moves dead messages back to the main queue. Without a filter, on SQS, it asks SQS to do it
 * (StartMessageMoveTask); where the endpoint lacks that (emulators) or a filter is given, it receives each
 * message, sends it to the main queue, then deletes it from the DLQ: a crash between the two leaves a copy in
 * the DLQ, never a loss, and the redrive dedupe id (from the DLQ message id) keeps a rerun from queuing it twice
 * within SQS's dedupe window.
 */
export async function redriveDlq(options: RedriveOptions): Promise<RedriveResult> {
  const { dlq, filter = {}, dryRun = false } = options;
  const filtered = Object.keys(filter).length > 0;
  if (!filtered && !dryRun && dlq.startMessageMoveTask && options.mainArn) {
    try {
      const { taskHandle } = await dlq.startMessageMoveTask({ destinationArn: options.mainArn });
      const total = dlq.counts ? await dlq.counts() : undefined;
      const matched = total ? total.visible + total.inFlight : 0;
      return { method: 'move-task', matched, moved: matched, skipped: 0, dryRun, taskHandle };
    } catch (error) {
      // Emulators answer "unknown action": fall back to copying.
      if (!(error instanceof QueueError) || error.code !== 'queue_rejected') throw error;
    }
  }
  return copyBack(options, filter, dryRun);
}

async function copyBack(options: RedriveOptions, filter: DlqFilter, dryRun: boolean): Promise<RedriveResult> {
  const { dlq, main } = options;
  const max = options.maxMessages ?? 10_000;
  const held: ReceivedMessage[] = [];
  const result: RedriveResult = { method: 'copy', matched: 0, moved: 0, skipped: 0, dryRun };
  try {
    while (result.matched + result.skipped < max) {
      const batch = await dlq.receive({
        maxMessages: Math.min(10, max - result.matched - result.skipped),
        waitSeconds: result.matched + result.skipped === 0 ? 1 : 0,
        visibilityTimeoutSeconds: options.holdSeconds ?? 60,
      });
      if (batch.length === 0) break;
      const matching = batch.filter((m) => matchesFilter(m, filter));
      const skipped = batch.filter((m) => !matching.includes(m));
      held.push(...skipped);
      result.skipped += skipped.length;
      result.matched += matching.length;
      if (dryRun) {
        held.push(...matching);
        continue;
      }
      if (matching.length === 0) continue;
      await main.send(matching.map(toRedriven));
      await dlq.delete(matching.map((m) => m.receiptHandle));
      result.moved += matching.length;
    }
  } finally {
    await release(dlq, held);
  }
  return result;
}

const DLQ_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set(Object.values(DLQ_ATTRIBUTES));

/** The message as it was before it died: same group and body, its own attributes, without the DLQ reason. */
export function toRedriven(message: ReceivedMessage): OutgoingMessage {
  const attributes = Object.fromEntries(
    Object.entries(message.attributes).filter(([name]) => !DLQ_ATTRIBUTE_NAMES.has(name)),
  );
  return {
    groupId: message.groupId,
    dedupeId: `redrive-${message.messageId}`.slice(0, 128),
    body: message.body,
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}
