// The tables of the embedded queue: one row per message (all queues of a file share it) plus the dedupe window.

export const SCHEMA_VERSION = 2;

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
-- The once-a-second prune of expired dedupe ids reads a range of this index instead of the whole window.
CREATE INDEX IF NOT EXISTS queue_dedupe_by_expiry ON queue_dedupe (queue, expires_at);
-- One row per non-empty message group: its oldest message and until when one of its messages is in flight.
-- Receives read this (in head order) instead of grouping the whole queue, so a backlog does not slow them.
CREATE TABLE IF NOT EXISTS queue_groups (
  queue      TEXT    NOT NULL,
  group_id   TEXT    NOT NULL,
  head_seq   INTEGER NOT NULL,
  busy_until INTEGER NOT NULL,
  PRIMARY KEY (queue, group_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS queue_groups_by_head ON queue_groups (queue, head_seq);
`;

/** Rebuilds the group index from the messages (files written by schema 1 had none). */
export const REBUILD_GROUPS_SQL = `
DELETE FROM queue_groups;
INSERT INTO queue_groups (queue, group_id, head_seq, busy_until)
  SELECT queue, group_id, MIN(seq), MAX(visible_at) FROM queue_messages GROUP BY queue, group_id;
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
