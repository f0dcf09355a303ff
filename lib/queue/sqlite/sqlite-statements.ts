// The prepared SQL of the embedded queue, and how a stored row becomes a received message.
import { createHash } from 'node:crypto';
import type { SqliteDatabase } from '../../sqlite/sqlite-db.ts';
import type { QueueCounts, ReceivedMessage } from '../queue.ts';
import type { MessageRow } from './sqlite-schema.ts';

export type QueueStatements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: SqliteDatabase) {
  return {
    dedupeHit: db.prepare<[string, string, number], { expires_at: number }>(
      'SELECT expires_at FROM queue_dedupe WHERE queue = ? AND dedupe_id = ? AND expires_at > ?',
    ),
    dedupePut: db.prepare(
      'INSERT OR REPLACE INTO queue_dedupe (queue, dedupe_id, expires_at) VALUES (?, ?, ?)',
    ),
    dedupePrune: db.prepare('DELETE FROM queue_dedupe WHERE queue = ? AND expires_at <= ?'),
    insert: db.prepare(
      `INSERT INTO queue_messages (queue, message_id, group_id, dedupe_id, body, attributes, sent_at, visible_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // A group is available when none of its messages is in flight; the oldest head goes first, as in SQS.
    availableGroups: db.prepare<[string, number, number], { group_id: string }>(
      'SELECT group_id FROM queue_groups WHERE queue = ? AND busy_until <= ? ORDER BY head_seq LIMIT ?',
    ),
    groupState: db.prepare<[string, string], { head: number | null; busy: number | null }>(
      'SELECT MIN(seq) AS head, MAX(visible_at) AS busy FROM queue_messages WHERE queue = ? AND group_id = ?',
    ),
    groupPut: db.prepare(
      `INSERT INTO queue_groups (queue, group_id, head_seq, busy_until) VALUES (?, ?, ?, ?)
     ON CONFLICT (queue, group_id) DO UPDATE SET head_seq = excluded.head_seq, busy_until = excluded.busy_until`,
    ),
    groupAdd: db.prepare(
      'INSERT INTO queue_groups (queue, group_id, head_seq, busy_until) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING',
    ),
    groupDrop: db.prepare('DELETE FROM queue_groups WHERE queue = ? AND group_id = ?'),
    groupHead: db.prepare<[string, string, number], MessageRow>(
      'SELECT * FROM queue_messages WHERE queue = ? AND group_id = ? ORDER BY seq LIMIT ?',
    ),
    take: db.prepare(
      `UPDATE queue_messages SET receive_count = receive_count + 1, visible_at = ?, receipt_handle = ?,
     first_received_at = COALESCE(first_received_at, ?) WHERE seq = ?`,
    ),
    // Re-inserting gives the message a new seq, so it lands at the tail of the DLQ in the order it was moved.
    moveToDlq: db.prepare(
      `INSERT INTO queue_messages (queue, message_id, group_id, dedupe_id, body, attributes, sent_at, visible_at,
       receive_count, first_received_at)
     VALUES (@queue, @message_id, @group_id, @dedupe_id, @body, @attributes, @sent_at, @visible_at,
       @receive_count, @first_received_at)`,
    ),
    deleteSeq: db.prepare('DELETE FROM queue_messages WHERE seq = ?'),
    deleteHandle: db.prepare<[string, string], { group_id: string }>(
      'DELETE FROM queue_messages WHERE queue = ? AND receipt_handle = ? RETURNING group_id',
    ),
    changeVisibility: db.prepare<[number, string, string, number], { group_id: string }>(
      `UPDATE queue_messages SET visible_at = ? WHERE queue = ? AND receipt_handle = ? AND visible_at > ?
     RETURNING group_id`,
    ),
    counts: db.prepare<[number, number, string], QueueCounts>(
      `SELECT COALESCE(SUM(visible_at <= ?), 0) AS visible, COALESCE(SUM(visible_at > ?), 0) AS inFlight
     FROM queue_messages WHERE queue = ?`,
    ),
    browse: db.prepare<[string], MessageRow>('SELECT * FROM queue_messages WHERE queue = ? ORDER BY seq'),
  };
}

export function toReceived(row: MessageRow): ReceivedMessage {
  const systemAttributes: Record<string, string> = {
    ApproximateReceiveCount: String(row.receive_count),
    SentTimestamp: String(row.sent_at),
    SenderId: 'local',
    SequenceNumber: String(row.seq).padStart(20, '0'),
    MessageGroupId: row.group_id,
    MessageDeduplicationId: row.dedupe_id,
  };
  if (row.first_received_at !== null) {
    systemAttributes.ApproximateFirstReceiveTimestamp = String(row.first_received_at);
  }
  return {
    messageId: row.message_id,
    receiptHandle: row.receipt_handle ?? '',
    groupId: row.group_id,
    dedupeId: row.dedupe_id,
    body: row.body,
    attributes: JSON.parse(row.attributes) as Record<string, string>,
    receiveCount: row.receive_count,
    sentAt: row.sent_at,
    systemAttributes,
    md5OfBody: createHash('md5').update(row.body).digest('hex'),
  };
}
