// Test factory for webhook requests signed the way each sender signs them, built on the production signers.

import type { VerifyConfig, WebhookRequest } from '../../lib/sources/index.ts';
import { createRequestSigner } from '../../lib/sources/index.ts';

export interface SignedRequestOptions {
  body: string | Uint8Array;
  /** One secret, or several for senders that sign with old and new secret during a rotation. */
  secret: string | readonly string[];
  now: Date;
  /** The full URL the request is posted to (HubSpot v3 signs it). Default `http://localhost/webhooks/test`. */
  url?: string;
  /** Default `POST`. */
  method?: string;
  /** `webhook-id` for standard-webhooks. */
  eventId?: string;
  /** Default `application/json`; `null` leaves the header out. */
  contentType?: string | null;
}

export interface SignedRequest {
  /** Lower-case header names: the sender's signature headers plus `content-type`. */
  headers: Record<string, string>;
  body: string | Uint8Array;
  /** The URL to post to: `url` itself, or with the token added for a `shared-token` source in query mode. */
  url: string;
  method: string;
}

export const DEFAULT_WEBHOOK_URL = 'http://localhost/webhooks/test';

export function signedRequest(config: VerifyConfig, options: SignedRequestOptions): SignedRequest {
  const method = options.method ?? 'POST';
  const signed = createRequestSigner(config)({
    rawBody: options.body,
    secret: options.secret,
    now: options.now,
    method,
    url: options.url ?? DEFAULT_WEBHOOK_URL,
    ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
  });
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  const headers = contentType === null ? signed.headers : { 'content-type': contentType, ...signed.headers };
  return { headers, body: options.body, url: signed.url, method };
}

/** The same request in the shape a verifier takes, for unit tests that skip HTTP. */
export function signedWebhookRequest(config: VerifyConfig, options: SignedRequestOptions): WebhookRequest {
  const request = signedRequest(config, options);
  const rawBody = typeof request.body === 'string' ? new TextEncoder().encode(request.body) : request.body;
  return { method: request.method, url: request.url, headers: request.headers, rawBody };
}
