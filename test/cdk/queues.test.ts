// Template tests of the command queue, its DLQ, and deliver's event source mapping.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildStack, logicalId, resourcesOf } from './helpers/stack.ts';

const built = buildStack({ maxConcurrency: 7, userflowRateLimit: 70 });
const { template, stack } = built;
const resources = resourcesOf(built);
const queueId = logicalId(built, stack.queues.queue);
const dlqId = logicalId(built, stack.queues.dlq);
const queue = resources[queueId]?.Properties ?? {};
const dlq = resources[dlqId]?.Properties ?? {};

describe('command queue', () => {
  it('is FIFO without content-based dedupe, in high-throughput mode per message group', () => {
    expect(queue).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });
  });

  it('redrives to a FIFO dead-letter queue', () => {
    expect(queue.RedrivePolicy.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': [dlqId, 'Arn'] });
    expect(dlq.FifoQueue).toBe(true);
  });

  it('keeps a transiently failing command through a 30-minute outage before the DLQ', () => {
    // Deliver's backoff as configured: ceiling min(cap, base·2^(n-1)), full jitter → mean delay is half the ceiling.
    const env = resources[logicalId(built, stack.deliver.fn)]?.Properties.Environment.Variables;
    const baseSeconds = Number(env.RETRY_BASE_MS) / 1000;
    const capSeconds = Number(env.RETRY_CAP_SECONDS);
    const receives: number = queue.RedrivePolicy.maxReceiveCount;
    let meanSeconds = 0;
    for (let n = 1; n < receives; n++) meanSeconds += Math.min(capSeconds, baseSeconds * 2 ** (n - 1)) / 2;
    expect(meanSeconds).toBeGreaterThanOrEqual(30 * 60);
  });

  it('hides an in-flight batch for at least six deliver timeouts', () => {
    const deliver = resources[logicalId(built, stack.deliver.fn)]?.Properties ?? {};
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * deliver.Timeout);
  });

  it('encrypts both queues at rest', () => {
    for (const props of [queue, dlq]) {
      expect(props.SqsManagedSseEnabled === true || props.KmsMasterKeyId !== undefined).toBe(true);
    }
  });

  it('refuses requests without TLS on both queues', () => {
    for (const id of [queueId, dlqId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('deliver event source mapping', () => {
  const mapping = Object.values(resources).find(
    (r) => r.Type === 'AWS::Lambda::EventSourceMapping',
  )?.Properties;

  it('reads the command queue into deliver', () => {
    expect(mapping?.EventSourceArn).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    expect(mapping?.FunctionName).toEqual({ Ref: logicalId(built, stack.deliver.fn) });
  });

  it('caps concurrent deliver instances at the configured maxConcurrency', () => {
    expect(mapping?.ScalingConfig).toEqual({ MaximumConcurrency: 7 });
  });

  it('reports partial batch failures instead of retrying whole batches', () => {
    expect(mapping?.FunctionResponseTypes).toContain('ReportBatchItemFailures');
    expect(mapping?.BatchSize).toBe(10);
  });
});
