// The `verify` block of a source: which signature scheme the sender uses and which secrets it is signed with.
import * as z from 'zod';

/**
 * Names of the secrets that may sign this source's requests. Locally each name is an environment variable
 * (or `.env` entry); in AWS it is a key of the webhook-secrets JSON in Secrets Manager. A value may be one
 * secret or a JSON array of secrets, so several can be live during a rotation.
 */
const secretNames = z
  .array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'secret names are UPPER_SNAKE_CASE'))
  .min(1);

const toleranceSeconds = z.number().int().positive().max(86_400).default(300);

/** The schemes whose signature covers a timestamp, checked against the clock within `tolerance_seconds`. */
const timestamped = <S extends 'stripe' | 'hubspot-v3' | 'standard-webhooks' | 'paddle'>(scheme: S) =>
  z.strictObject({
    scheme: z.literal(scheme),
    secrets: secretNames,
    tolerance_seconds: toleranceSeconds,
  });

/** GitHub (`X-Hub-Signature-256: sha256=<hex>`), Shopify (`X-Shopify-Hmac-Sha256: <base64>`), Intercom (sha1). */
const hmac = z.strictObject({
  scheme: z.literal('hmac'),
  secrets: secretNames,
  header: z.string().min(1),
  algorithm: z.enum(['sha256', 'sha1']).default('sha256'),
  encoding: z.enum(['hex', 'base64']).default('hex'),
  prefix: z.string().default(''),
});

/** HTTP basic auth configured on the sender's side (Chargebee, Pipedrive); secret values are `user:password`. */
const basicAuth = z.strictObject({
  scheme: z.literal('basic-auth'),
  secrets: secretNames,
});

/** A static token in a header (e.g. Salesforce outbound via a custom header) or in the query string. */
const sharedToken = z
  .strictObject({
    scheme: z.literal('shared-token'),
    secrets: secretNames,
    header: z.string().min(1).optional(),
    query: z.string().min(1).optional(),
  })
  .refine((c) => (c.header === undefined) !== (c.query === undefined), {
    message: 'give exactly one of header or query',
  });

export const verifyConfig = z.discriminatedUnion('scheme', [
  timestamped('stripe'),
  timestamped('hubspot-v3'),
  timestamped('standard-webhooks'),
  timestamped('paddle'),
  hmac,
  basicAuth,
  sharedToken,
]);
export type VerifyConfig = z.infer<typeof verifyConfig>;
export type VerifyScheme = VerifyConfig['scheme'];
