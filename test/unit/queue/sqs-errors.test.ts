// Classification of SQS failures: which ones a retry can fix.
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../lib/backoff.ts';
import {
  classifySqsError,
  isPermanentEntryFailure,
  toQueueError,
} from '../../../lib/queue/sqs/sqs-errors.ts';

describe('classifySqsError', () => {
  it.each([
    [{ name: 'Error', code: 'ECONNREFUSED' }, 'queue_unreachable'],
    [{ name: 'TimeoutError' }, 'queue_unreachable'],
    [{ name: 'RequestThrottled', $fault: 'client', $metadata: { httpStatusCode: 400 } }, 'queue_throttled'],
    [{ name: 'KmsThrottled', $fault: 'client', $metadata: { httpStatusCode: 400 } }, 'queue_throttled'],
    [{ name: 'Whatever', $metadata: { httpStatusCode: 429 } }, 'queue_throttled'],
    [{ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } }, 'queue_unavailable'],
    [{ name: 'QueueDoesNotExist', $fault: 'client', $metadata: { httpStatusCode: 400 } }, 'queue_rejected'],
  ])('%o → %s', (error, code) => {
    expect(classifySqsError(error)).toBe(code);
  });

  it('keeps the cause and never echoes the SDK message (it may quote a body)', () => {
    const cause = {
      name: 'InvalidMessageContents',
      message: 'body secret-ish',
      $fault: 'client',
      $metadata: {},
    };
    const error = toQueueError('SendMessageBatch', { ...cause, $metadata: { httpStatusCode: 400 } });
    expect(error.message).not.toContain('secret-ish');
    expect(error.cause).toBeDefined();
  });
});

describe('isPermanentEntryFailure', () => {
  it('treats SenderFault as permanent unless it is throttling', () => {
    expect(isPermanentEntryFailure({ SenderFault: true, Code: 'InvalidMessageContents' })).toBe(true);
    expect(isPermanentEntryFailure({ SenderFault: true, Code: 'RequestThrottled' })).toBe(false);
    expect(isPermanentEntryFailure({ SenderFault: false, Code: 'InternalError' })).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially up to the cap, scaled by the random draw', () => {
    const policy = { baseMs: 50, capMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, policy, () => 0.999))).toEqual([
      49, 99, 199, 399, 799, 999,
    ]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });
});
