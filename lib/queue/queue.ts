// The Queue port: what ingest, delivery, sync and the local poller need from a FIFO queue, whatever backs it.

export interface OutgoingMessage {
  /** FIFO message group: commands of one group are delivered in order (see `messageGroupId`). */
  groupId: string;
  /** FIFO deduplication id: the command id, so a retried send of the same command is dropped. */
  dedupeId: string;
  body: string;
  /** String message attributes (e.g. the DLQ reason). */
  attributes?: Record<string, string>;
}

export interface ReceivedMessage {
  /** The queue's id for this message (SQS MessageId); partial batch failures are reported by it. */
  messageId: string;
  /** Handle for delete / change-visibility; valid for this receive only. */
  receiptHandle: string;
  groupId: string;
  dedupeId: string;
  body: string;
  attributes: Record<string, string>;
  /** How many times the message has been received, this time included. */
  receiveCount: number;
  /** When the message was first sent (epoch ms). */
  sentAt: number;
  /**
   * The queue's system attributes as SQS names them (`SentTimestamp`, `ApproximateFirstReceiveTimestamp`,
   * `SequenceNumber`, `MessageGroupId`, …), so a poller can build a real-shaped SQS event record.
   */
  systemAttributes?: Readonly<Record<string, string>>;
  /** MD5 of the body, as SQS reports it. */
  md5OfBody?: string;
}

export interface ReceiveOptions {
  maxMessages: number;
  waitSeconds: number;
  visibilityTimeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface Queue {
  /**
   * Sends every message or throws a retryable `QueueError`. Messages already accepted before a failure stay
   * queued; because their dedupe ids are deterministic, sending the same batch again does not duplicate them.
   */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  receive(options: ReceiveOptions): Promise<ReceivedMessage[]>;
  delete(receiptHandles: readonly string[]): Promise<void>;
  /** Makes a received message visible again after `seconds` (0 = now). */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
}

/** Approximate message counts, as SQS's ApproximateNumberOfMessages / …NotVisible report them. */
export interface QueueCounts {
  visible: number;
  inFlight: number;
}
