// Loads the known-answer vectors: copies of the shared fixtures (exact wire bytes, hence `.raw`, which the
// formatter leaves alone) and of `signatures.json` (published vectors plus the fixtures' oracle signatures).
import { readFileSync } from 'node:fs';

const here = new URL('./vectors/', import.meta.url);

/** The exact bytes of a copied fixture, e.g. `stripe/invoice.paid.json`. */
export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${file}.raw`, here)));
}

interface StandardPublished {
  secret: string;
  msg_id: string;
  timestamp: number;
  payload: string;
  expected_signature: string;
}

interface StandardInvalid {
  invalid_signatures: string[];
  multi_signature_header_example_from_tests: string;
}

export interface Signatures {
  published: {
    standard_webhooks: [StandardPublished, StandardPublished, StandardInvalid];
    hubspot: { client_secret: string; version: string; method?: string; uri?: string; body: string }[];
    github: { secret: string; payload: string; 'X-Hub-Signature-256': string }[];
    paddle_billing: { secret: string; 'Paddle-Signature': string; payload: string }[];
    stripe: [{ secret: string; timestamp: number; payload: string; 'Stripe-Signature': string }, unknown];
  };
  fixtures: {
    secrets: {
      stripe: string;
      stripe_old: string;
      standard: string;
      standard_old: string;
      hubspot_client_secret: string;
      hubspot_url: string;
    };
    stripe: { file: string; timestamp: number; 'Stripe-Signature': string; rotation_header: string }[];
    standard: {
      file: string;
      headers: Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;
    }[];
    hubspot: {
      file: string;
      method: string;
      url: string;
      headers: { 'X-HubSpot-Signature-v3': string; 'X-HubSpot-Request-Timestamp': string };
    }[];
  };
}

export const signatures: Signatures = JSON.parse(readFileSync(new URL('signatures.json', here), 'utf8'));

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
