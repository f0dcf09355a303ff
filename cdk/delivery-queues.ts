// The command queue (SQS FIFO, per-user ordering) and its FIFO dead-letter queue, sized to outlast a Userflow outage.
import { Duration } from 'aws-cdk-lib';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELIVER_TIMEOUT_SECONDS } from './config.ts';

/**
 * Visibility timeout when deliver does not set one itself (a crash or a Lambda timeout): six times the function
 * timeout, AWS's guidance for SQS event sources, so a record still being worked on is not handed out twice.
 */
export const VISIBILITY_TIMEOUT_SECONDS = 6 * DELIVER_TIMEOUT_SECONDS; // 360 s

/** Deliver's retry backoff (env RETRY_BASE_MS / RETRY_CAP_SECONDS), pinned because MAX_RECEIVE_COUNT rests on it. */
export const RETRY_BASE_MS = 2_000;
export const RETRY_CAP_SECONDS = 300;

/**
 * Receives before SQS moves a command to the DLQ. Sized so a 30-minute Userflow outage loses nothing:
 *
 * Deliver returns a transiently failed record with ChangeMessageVisibility(delay), delay = capped exponential
 * backoff with full jitter (lib/deliver/backoff.ts): ceiling_n = min(RETRY_CAP_SECONDS, RETRY_BASE_MS · 2^(n-1))
 * = min(300 s, 2 s · 2^(n-1)), delay ∈ [0, ceiling_n).
 * - Without jitter the ceilings are 2+4+8+16+32+64+128+256 = 510 s for the first 8 receives, then 300 s each:
 *   (1800 − 510) / 300 = 4.3 → 13 failed receives span 30 min; the 14th lands after it.
 * - Full jitter halves the mean delay (1+2+…+128 = 255 s, then 150 s each): (1800 − 255) / 150 ≈ 10.3 → about
 *   19–20 receives in 30 min. A 100k-run simulation of the jittered schedule gives p99.99 = 29 receives for 30 min
 *   and 37 for 45 min (30 min + 15 min margin, also covering the ESM's own receives of records it could not start).
 * - A crash instead of a ChangeMessageVisibility costs one VISIBILITY_TIMEOUT (6 min), i.e. fewer receives.
 * So 40 receives keep a command alive through a 45-minute outage even on unlucky jitter. Retry-After only
 * lengthens delays, and so would a larger cap. Permanent errors never count against this: deliver sends them
 * to the DLQ itself.
 */
export const MAX_RECEIVE_COUNT = 40;

/** 4 days (the SQS default) in the queue; the DLQ keeps 14 days (the maximum) for inspection and redrive. */
const QUEUE_RETENTION = Duration.days(4);
const DLQ_RETENTION = Duration.days(14);

export class DeliveryQueues extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.dlq = new Queue(this, 'Dlq', {
      fifo: true,
      contentBasedDeduplication: false,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });

    this.queue = new Queue(this, 'Queue', {
      fifo: true,
      // Ingest sets MessageDeduplicationId = command id, so a redelivered webhook is deduplicated by id, not body.
      contentBasedDeduplication: false,
      // High-throughput FIFO: dedupe and throughput quotas per message group (one group per Userflow user/group).
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: QUEUE_RETENTION,
      visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_SECONDS),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
