// One place that turns any error into the HTTP contract's `{"error":{"code","message"}}` body and status.
// Messages are written here, never copied from an error, so no secret, signature or payload can reach a sender.
import type { BridgeError } from '../errors.ts';
import { EventShapeError } from '../rules/errors.ts';
import { SignatureError, type SignatureFailureReason } from '../sources/index.ts';
import { IngestError } from './errors.ts';

export interface ErrorResponse {
  status: number;
  body: { error: { code: string; message: string } };
  headers: Record<string, string>;
}

const SIGNATURE_MESSAGES: Record<SignatureFailureReason, string> = {
  missing_header: 'the request carries no signature',
  malformed_header: 'the signature header is malformed',
  bad_signature: 'the signature does not match',
  stale_timestamp: 'the signature timestamp is too old',
  future_timestamp: 'the signature timestamp is too far in the future',
  no_secret: 'no secret is configured to verify this source',
};

/** Retryable failures tell the sender when to come back; most senders back off on their own anyway. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

const MAX_SHAPE_MESSAGE = 200;

export function toErrorResponse(error: BridgeError): ErrorResponse {
  const headers: Record<string, string> = {};
  if (error.retryable) {
    const after = error instanceof IngestError ? error.retryAfterSeconds : undefined;
    headers['retry-after'] = String(after ?? DEFAULT_RETRY_AFTER_SECONDS);
  }
  return {
    status: error.status,
    body: { error: { code: error.code, message: publicMessage(error) } },
    headers,
  };
}

export function errorBody(code: string, message: string): ErrorResponse['body'] {
  return { error: { code, message } };
}

function publicMessage(error: BridgeError): string {
  if (error instanceof SignatureError)
    return SIGNATURE_MESSAGES[error.reason] ?? 'the signature is not valid';
  // Ours: written without request data.
  if (error instanceof IngestError) return error.message;
  // The rules engine names paths and shapes, which helps a sender; capped so no body can follow.
  if (error instanceof EventShapeError) return truncate(error.message, MAX_SHAPE_MESSAGE);
  if (error.code === 'secret_missing' || error.code === 'secret_invalid') {
    return 'a webhook secret of this source is not configured correctly';
  }
  if (error.code === 'secrets_unavailable') return 'the webhook secrets cannot be read now; retry later';
  if (error.status === 503 || error.retryable) return 'the event could not be queued now; retry later';
  if (error.status >= 500) return 'the request could not be processed';
  return 'the request was rejected';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
