// Maps an AWS SDK failure (by its shape, not its class) to a QueueError, deciding once whether a retry can help.
import { QueueError, type QueueErrorCode } from '../errors.ts';

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING = /throttl|RequestLimitExceeded|TooManyRequests|SlowDown|OverLimit/i;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/** The queue error code for a whole-call SDK failure. */
export function classifySqsError(error: unknown): QueueErrorCode {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = e.name ?? '';
  if (e.$retryable?.throttling || THROTTLING.test(name) || THROTTLING.test(e.code ?? ''))
    return 'queue_throttled';
  const status = e.$metadata?.httpStatusCode;
  if (status === 429) return 'queue_throttled';
  if (name === 'TimeoutError' || (e.code && NETWORK_CODES.has(e.code)) || status === undefined) {
    return 'queue_unreachable';
  }
  if (e.$fault === 'server' || status >= 500) return 'queue_unavailable';
  return 'queue_rejected';
}

/** Wraps an SDK failure; the message names the operation and the SDK error name, never a message body. */
export function toQueueError(operation: string, error: unknown): QueueError {
  if (error instanceof QueueError) return error;
  const code = classifySqsError(error);
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const what = [e.name, e.code].filter(Boolean).join('/') || 'error';
  return new QueueError(code, `SQS ${operation} failed (${what})`, { cause: error });
}

/** A per-entry failure of a batch call: SenderFault entries are permanent unless they are throttling. */
export function isPermanentEntryFailure(entry: { SenderFault?: boolean; Code?: string }): boolean {
  return entry.SenderFault === true && !THROTTLING.test(entry.Code ?? '');
}
