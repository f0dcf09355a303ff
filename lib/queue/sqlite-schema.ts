// The tables of the embedded queue: one row per message (all queues of a file share it) plus the dedupe window.

export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS queue_messages (
  seq               INTEGER PRIMARY KEY AUTOINCREMENT,
  queue             TEXT    NOT NULL,
  message_id        TEXT    NOT NULL UNIQUE,
  group_id          TEXT    NOT NULL,
  dedupe_id         TEXT    NOT NULL,
  body              TEXT    NOT NULL,
  attributes        TEXT    NOT NULL,
  sent_at           INTEGER NOT NULL,
  -- A message is in flight while visible_at is in the future; a new message is visible from sent_at.
  visible_at        INTEGER NOT NULL,
  receive_count     INTEGER NOT NULL DEFAULT 0,
  first_received_at INTEGER,
  receipt_handle    TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS queue_messages_by_group ON queue_messages (queue, group_id, seq);
CREATE INDEX IF NOT EXISTS queue_messages_by_queue ON queue_messages (queue, seq);
CREATE TABLE IF NOT EXISTS queue_dedupe (
  queue      TEXT    NOT NULL,
  dedupe_id  TEXT    NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue, dedupe_id)
) WITHOUT ROWID;
`;

export interface MessageRow {
  seq: number;
  queue: string;
  message_id: string;
  group_id: string;
  dedupe_id: string;
  body: string;
  attributes: string;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_received_at: number | null;
  receipt_handle: string | null;
}
