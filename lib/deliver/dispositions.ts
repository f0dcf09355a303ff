// The one place a record's disposition is carried out: its visibility, the DLQ, the batch's stop, and the counts
// that go with each. The decision itself is dispose.ts; nothing else here decides.
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../logger.ts';
import type { Queue } from '../queue/queue.ts';
import type { DeliveryBatch } from './batch.ts';
import type { Failure } from './classify.ts';
import { deadLetterMessage } from './dead-letter.ts';
import { type DispositionPolicy, dispose, retryVisibilitySeconds } from './dispose.ts';
import type { RecordRun } from './record-run.ts';
import type { Clock } from './token-bucket.ts';

export interface DispositionDeps {
  /** The main queue: failed records get their visibility set here. */
  queue: Pick<Queue, 'changeVisibility'>;
  dlq: Pick<Queue, 'send'>;
  logger: Logger;
  clock: Clock;
  policy: DispositionPolicy;
}

/** What applying a disposition came to: done, dead-lettered, or failed (to come back after its visibility). */
export type Applied =
  | { kind: 'acked' }
  | { kind: 'deadLettered' }
  /** `dlqRefused`: the record was meant for the DLQ (with that reason), which did not take it. */
  | { kind: 'failed'; failure: Failure; dlqRefused?: string };

export class Dispositions {
  constructor(private readonly deps: DispositionDeps) {}

  /**
   * Decides (dispose) and carries out what becomes of a record: `failure` undefined means it succeeded.
   * `attempt` is the receive count the backoff grows with (a record deferred through no fault of its own passes 1).
   */
  async settle(run: RecordRun, failure: Failure | undefined, attempt = run.attempt): Promise<Applied> {
    const disposition = dispose(failure, attempt, this.deps.policy);
    if (failure === undefined || disposition.kind === 'ack') return { kind: 'acked' };
    switch (disposition.kind) {
      case 'deadLetter':
        return this.#deadLetter(run, failure);
      case 'stopBatch':
        run.batch.stop();
        run.batch.metrics.count('unauthorized', run.kind);
        this.deps.logger.error('Userflow refused the API key: stopping this batch', {
          reason: failure.reason,
        });
        return this.#retry(run, failure, disposition.seconds);
      case 'retry':
        return this.#retry(run, failure, disposition.seconds);
    }
  }

  /**
   * Records the batch processor failed without running (the rest of a failed group) are still in flight: give
   * them their group's delay, so the group is not blocked for a whole visibility timeout and comes back in order.
   */
  async holdBackUnattempted(
    event: SQSEvent,
    response: SQSBatchResponse,
    batch: DeliveryBatch,
  ): Promise<void> {
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const record of event.Records) {
      if (!failed.has(record.messageId) || batch.hasVisibility(record.messageId)) continue;
      const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
      const { backoff, random } = this.deps.policy;
      const seconds =
        batch.groupDelay(record.attributes.MessageGroupId) ??
        retryVisibilitySeconds(attempt, backoff, random);
      await this.#setVisibility(record, seconds, batch);
    }
  }

  /**
   * Transient: the record fails and stays invisible for its backoff, so it comes back later instead of the
   * consumer spinning on it. The rest of its group in this batch is given the same delay.
   */
  async #retry(run: RecordRun, failure: Failure, seconds: number): Promise<Applied> {
    await this.#setVisibility(run.record, seconds, run.batch);
    run.batch.delayGroup(run.record.attributes.MessageGroupId, seconds);
    run.batch.metrics.count('retried', run.kind);
    if (failure.kind === 'transient' && failure.throttled) run.batch.metrics.count('throttled', run.kind);
    return { kind: 'failed', failure };
  }

  /**
   * Permanent: the record moves to the DLQ with its reason and is reported as a success, so the main queue deletes
   * it at once instead of bouncing it until maxReceiveCount. If the DLQ refuses it, the record fails (nothing lost).
   */
  async #deadLetter(run: RecordRun, failure: Failure): Promise<Applied> {
    const { record, envelope } = run;
    try {
      await this.deps.dlq.send([deadLetterMessage(record, envelope, failure, new Date(this.deps.clock()))]);
    } catch (error) {
      const message = run.failureOf(error).message;
      this.deps.logger.error('could not dead-letter a record: it stays on the main queue', {
        messageId: record.messageId,
        reason: failure.reason,
        error: message,
      });
      const refused: Failure = { kind: 'transient', throttled: false, reason: 'dlq_send_failed', message };
      const retry = dispose(refused, run.attempt, this.deps.policy);
      const seconds = retry.kind === 'retry' ? retry.seconds : 0;
      await this.#retry(run, refused, seconds);
      return { kind: 'failed', failure: refused, dlqRefused: failure.reason };
    }
    run.batch.metrics.count('deadLettered', run.kind);
    this.deps.logger.warn('command dead-lettered', {
      messageId: record.messageId,
      commandId: envelope?.id,
      reason: failure.reason,
    });
    return { kind: 'deadLettered' };
  }

  async #setVisibility(record: SQSRecord, seconds: number, batch: DeliveryBatch): Promise<void> {
    try {
      await this.deps.queue.changeVisibility(record.receiptHandle, seconds);
      batch.visibilitySet(record.messageId);
    } catch (error) {
      // The record still fails; it returns after the queue's own visibility timeout instead.
      this.deps.logger.warn('could not set the visibility of a failed record', {
        messageId: record.messageId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
