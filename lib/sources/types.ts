// The shapes every scheme shares: the request a verifier sees, the verifier and signer function types.
import type { VerifyConfig, VerifyScheme } from './verify-config.ts';

/** A webhook request as it arrived: method, full public URL, lower-case header names and the raw body bytes. */
export interface WebhookRequest {
  method: string;
  /** The full URL the sender called (scheme, host, path, query); HubSpot v3 signs it. */
  url: string;
  /** Header names in lower case (a differently-cased name is still found, just more slowly). */
  headers: Record<string, string>;
  rawBody: Uint8Array;
}

/** Throws `SignatureError` unless `request` was signed with one of `secrets` within the tolerance of `now`. */
export type Verifier = (request: WebhookRequest, secrets: readonly string[], now: Date) => void;

export interface SignInput {
  rawBody: Uint8Array | string;
  /**
   * The secret to sign with. Schemes that carry several signatures in one header (stripe, standard-webhooks,
   * paddle) also take a list, as a sender does while rotating its secret; the others take exactly one.
   */
  secret: string | readonly string[];
  now: Date;
  /** Default `POST`. */
  method?: string;
  /** The full URL the request goes to; required by `hubspot-v3`, used by `shared-token` in query mode. */
  url?: string;
  /** `webhook-id` for standard-webhooks; derived from body and time when absent. */
  eventId?: string;
}

/** Returns the headers the real sender would add to a request carrying `input.rawBody`. */
export type Signer = (input: SignInput) => Record<string, string>;

export type SchemeConfig<S extends VerifyScheme> = Extract<VerifyConfig, { scheme: S }>;
