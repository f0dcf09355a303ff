// The command queue (SQS FIFO, per-user ordering) and its FIFO dead-letter queue, sized to outlast a Userflow outage.
import { Duration } from 'aws-cdk-lib';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT } from '../lib/policy.ts';
import { DELIVER_TIMEOUT_SECONDS } from './config.ts';

/**
 * Visibility timeout when deliver does not set one itself (a crash or a Lambda timeout): six times the function
 * timeout, AWS's guidance for SQS event sources, so a record still being worked on is not handed out twice.
 */
export const VISIBILITY_TIMEOUT_SECONDS = 6 * DELIVER_TIMEOUT_SECONDS; // 360 s

// MAX_RECEIVE_COUNT and the backoff it rests on (RETRY_BASE_MS, RETRY_CAP_SECONDS) live in lib/policy.ts, with the
// arithmetic of why 40 receives outlive a 45-minute Userflow outage.

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
