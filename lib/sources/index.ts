// Public surface of webhook verification: one verifier and one signer per scheme, picked from a `verify` block.
export { createRequestSigner, createSigner, createVerifier, verifiedHeaders } from './create.ts';
export { SignatureError, type SignatureFailureReason } from './errors.ts';
export { hubspotSignedUri } from './hubspot-v3.ts';
export { standardWebhooksKey } from './standard-webhooks.ts';
export type { Signer, SignInput, Verifier, WebhookRequest } from './types.ts';
export { type VerifyConfig, type VerifyScheme, verifyConfig } from './verify-config.ts';
