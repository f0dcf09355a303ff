// One entry per scheme: a config, secrets, and how to change exactly one thing in a signed request.
import { type VerifyConfig, verifyConfig, type WebhookRequest } from '../../../lib/sources/index.ts';

export const HEX = '0123456789abcdef';
export const BASE64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `text` with the character at `index` (wrapped into range) replaced by a different one from `alphabet`. */
export function replaceChar(text: string, index: number, pick: number, alphabet: string): string {
  const at = ((index % text.length) + text.length) % text.length;
  const current = text[at];
  let next = alphabet[pick % alphabet.length] as string;
  if (next === current) next = alphabet[(pick + 1) % alphabet.length] as string;
  return text.slice(0, at) + next + text.slice(at + 1);
}

export function withHeader(request: WebhookRequest, name: string, value: string): WebhookRequest {
  return { ...request, headers: { ...request.headers, [name]: value } };
}

export function withoutHeader(request: WebhookRequest, name: string): WebhookRequest {
  const headers = { ...request.headers };
  delete headers[name];
  return { ...request, headers };
}

/** Changes one character of the signature in a header, where `pattern` captures (text before)(signature). */
function mutateInHeader(name: string, pattern: RegExp, alphabet: string) {
  return (request: WebhookRequest, index: number, pick: number): WebhookRequest => {
    const value = request.headers[name] ?? '';
    const match = pattern.exec(value);
    if (!match) throw new Error(`test setup: no signature in ${name}`);
    const before = match[1] ?? '';
    const signature = match[2] ?? '';
    const start = match.index + before.length;
    const mutated = replaceChar(signature, index, pick, alphabet);
    return withHeader(request, name, value.slice(0, start) + mutated + value.slice(start + signature.length));
  };
}

/** Moves the timestamp in a header by `deltaSeconds` without re-signing. */
function shiftInHeader(name: string, pattern: RegExp, unit: 'seconds' | 'milliseconds') {
  return (request: WebhookRequest, deltaSeconds: number): WebhookRequest => {
    const value = request.headers[name] ?? '';
    const shifted = value.replace(pattern, (_m, before: string, digits: string) => {
      const delta = unit === 'seconds' ? deltaSeconds : deltaSeconds * 1000;
      return `${before}${Number(digits) + delta}`;
    });
    return withHeader(request, name, shifted);
  };
}

export interface SchemeCase {
  name: string;
  config: VerifyConfig;
  /** A secret of this source, the one it replaced (rotation), and another source's secret of the same kind. */
  secret: string;
  previousSecret: string;
  otherSourceSecret: string;
  /** Whether several signatures travel in one header during rotation. */
  multiSignature: boolean;
  timestamped: boolean;
  /** False for credentials (basic-auth, shared-token), which prove the sender but not the body. */
  signsBody: boolean;
  /** Each way of leaving out the proof, with a label for the test name. */
  removals: [string, (request: WebhookRequest) => WebhookRequest][];
  /** Header values that are present but cannot be parsed, keyed by header name. */
  malformed: [string, string][];
  mutateSignature: (request: WebhookRequest, index: number, pick: number) => WebhookRequest;
  shiftTimestamp?: (request: WebhookRequest, deltaSeconds: number) => WebhookRequest;
  /** What kind of secret the property tests generate for this scheme. */
  secretKind: 'text' | 'token' | 'credentials' | 'whsec';
}

const config = (block: unknown): VerifyConfig => verifyConfig.parse(block);
const remove = (name: string): [string, (r: WebhookRequest) => WebhookRequest] => [
  name,
  (r) => withoutHeader(r, name),
];

export const schemeCases: SchemeCase[] = [
  {
    name: 'stripe',
    config: config({ scheme: 'stripe', secrets: ['STRIPE_WEBHOOK_SECRET'] }),
    secret: 'whsec_0f8e3c5a7b9d1f2e4c6a8b0d2f4e6a8c',
    previousSecret: 'whsec_9a7b5c3d1e0f2a4b6c8d0e2f4a6b8c0d',
    otherSourceSecret: 'whsec_1111222233334444555566667777888899',
    multiSignature: true,
    timestamped: true,
    signsBody: true,
    removals: [remove('stripe-signature')],
    malformed: [
      ['stripe-signature', 'v1=0c0301013260949a91cfc9c905efb537b04c1d907b2d6dd042a3b1932749c6a2'],
      ['stripe-signature', 't=1747303203'],
      [
        'stripe-signature',
        't=1747303203,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39',
      ],
      [
        'stripe-signature',
        't=17473O3203,v1=0c0301013260949a91cfc9c905efb537b04c1d907b2d6dd042a3b1932749c6a2',
      ],
      ['stripe-signature', 't=-1,v1=0c0301013260949a91cfc9c905efb537b04c1d907b2d6dd042a3b1932749c6a2'],
      ['stripe-signature', 'garbage'],
    ],
    mutateSignature: mutateInHeader('stripe-signature', /(v1=)([0-9a-f]+)/, HEX),
    shiftTimestamp: shiftInHeader('stripe-signature', /(t=)(\d+)/, 'seconds'),
    secretKind: 'text',
  },
  {
    name: 'hubspot-v3',
    config: config({ scheme: 'hubspot-v3', secrets: ['HUBSPOT_CLIENT_SECRET'] }),
    secret: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy',
    previousSecret: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
    otherSourceSecret: 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
    multiSignature: false,
    timestamped: true,
    signsBody: true,
    removals: [remove('x-hubspot-signature-v3'), remove('x-hubspot-request-timestamp')],
    malformed: [
      ['x-hubspot-request-timestamp', '1748512892000.5'],
      ['x-hubspot-request-timestamp', 'yesterday'],
    ],
    mutateSignature: mutateInHeader('x-hubspot-signature-v3', /()([A-Za-z0-9+/]+)/, BASE64_CHARS),
    shiftTimestamp: shiftInHeader('x-hubspot-request-timestamp', /()(\d+)/, 'milliseconds'),
    secretKind: 'text',
  },
  {
    name: 'standard-webhooks',
    config: config({ scheme: 'standard-webhooks', secrets: ['PORTAL_WEBHOOK_SECRET'] }),
    secret: 'whsec_dXNlcmZsb3ctYnJpZGdlLWZpeHR1cmUta2V5LTAwMDE=',
    previousSecret: 'whsec_dXNlcmZsb3ctYnJpZGdlLWZpeHR1cmUta2V5LU9MRDE=',
    otherSourceSecret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD',
    multiSignature: true,
    timestamped: true,
    signsBody: true,
    removals: [remove('webhook-id'), remove('webhook-timestamp'), remove('webhook-signature')],
    malformed: [
      ['webhook-timestamp', 'hello'],
      ['webhook-timestamp', '1.7e9'],
      ['webhook-signature', 'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='],
      ['webhook-signature', 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='],
    ],
    mutateSignature: mutateInHeader('webhook-signature', /(v1,)([A-Za-z0-9+/]+)/, BASE64_CHARS),
    shiftTimestamp: shiftInHeader('webhook-timestamp', /()(\d+)/, 'seconds'),
    secretKind: 'whsec',
  },
  {
    name: 'paddle',
    config: config({ scheme: 'paddle', secrets: ['PADDLE_WEBHOOK_SECRET'] }),
    secret: 'pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_hKkRiCGyyRhbFwIUuqiTBgI7gnWoV0Gr',
    previousSecret: 'pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_OLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOL',
    otherSourceSecret: 'pdl_ntfset_01jzzzzzzzzzzzzzzzzzzzzzzz_OtherDestinationSecretValue0',
    multiSignature: true,
    timestamped: true,
    signsBody: true,
    removals: [remove('paddle-signature')],
    malformed: [
      ['paddle-signature', 'h1=6c05ef8fa83c44d751be6d259ec955ce5638e2c54095bf128e408e2fce1589c8'],
      ['paddle-signature', 'ts=1710929255'],
      ['paddle-signature', 'ts=now;h1=6c05ef8fa83c44d751be6d259ec955ce5638e2c54095bf128e408e2fce1589c8'],
    ],
    mutateSignature: mutateInHeader('paddle-signature', /(h1=)([0-9a-f]+)/, HEX),
    shiftTimestamp: shiftInHeader('paddle-signature', /(ts=)(\d+)/, 'seconds'),
    secretKind: 'text',
  },
  {
    name: 'hmac (GitHub sha256= hex)',
    config: config({
      scheme: 'hmac',
      secrets: ['GITHUB_WEBHOOK_SECRET'],
      header: 'X-Hub-Signature-256',
      prefix: 'sha256=',
    }),
    secret: "It's a Secret to Everybody",
    previousSecret: 'It was a Secret to Everybody',
    otherSourceSecret: 'shpss_another_source_secret',
    multiSignature: false,
    timestamped: false,
    signsBody: true,
    removals: [remove('x-hub-signature-256')],
    malformed: [['x-hub-signature-256', '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17']],
    mutateSignature: mutateInHeader('x-hub-signature-256', /(sha256=)([0-9a-f]+)/, HEX),
    secretKind: 'text',
  },
  {
    name: 'hmac (Shopify base64)',
    config: config({
      scheme: 'hmac',
      secrets: ['SHOPIFY_CLIENT_SECRET'],
      header: 'X-Shopify-Hmac-Sha256',
      encoding: 'base64',
    }),
    secret: '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',
    previousSecret: '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',
    otherSourceSecret: "It's a Secret to Everybody",
    multiSignature: false,
    timestamped: false,
    signsBody: true,
    removals: [remove('x-shopify-hmac-sha256')],
    malformed: [],
    mutateSignature: mutateInHeader('x-shopify-hmac-sha256', /()([A-Za-z0-9+/]+)/, BASE64_CHARS),
    secretKind: 'text',
  },
  {
    name: 'hmac (Intercom sha1=)',
    config: config({
      scheme: 'hmac',
      secrets: ['INTERCOM_CLIENT_SECRET'],
      header: 'X-Hub-Signature',
      algorithm: 'sha1',
      prefix: 'sha1=',
    }),
    secret: 'intercom-client-secret-0001',
    previousSecret: 'intercom-client-secret-0000',
    otherSourceSecret: "It's a Secret to Everybody",
    multiSignature: false,
    timestamped: false,
    signsBody: true,
    removals: [remove('x-hub-signature')],
    malformed: [['x-hub-signature', 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d']],
    mutateSignature: mutateInHeader('x-hub-signature', /(sha1=)([0-9a-f]+)/, HEX),
    secretKind: 'text',
  },
  {
    name: 'basic-auth',
    config: config({ scheme: 'basic-auth', secrets: ['CHARGEBEE_BASIC_AUTH'] }),
    secret: 'chargebee:s3cr3t-password',
    previousSecret: 'chargebee:old-password',
    otherSourceSecret: 'pipedrive:another-password',
    multiSignature: false,
    timestamped: false,
    signsBody: false,
    removals: [remove('authorization')],
    malformed: [
      ['authorization', 'Bearer Y2hhcmdlYmVlOnMzY3IzdC1wYXNzd29yZA=='],
      ['authorization', 'Basic not base64!'],
      ['authorization', `Basic ${Buffer.from('no-colon-here').toString('base64')}`],
    ],
    mutateSignature: (request, index, pick) => {
      const value = request.headers.authorization ?? '';
      const credentials = Buffer.from(value.slice('Basic '.length), 'base64').toString('utf8');
      const mutated = replaceChar(credentials, index, pick, TOKEN_CHARS);
      return withHeader(request, 'authorization', `Basic ${Buffer.from(mutated).toString('base64')}`);
    },
    secretKind: 'credentials',
  },
  {
    name: 'shared-token (header)',
    config: config({ scheme: 'shared-token', secrets: ['SALESFORCE_TOKEN'], header: 'X-Bridge-Token' }),
    secret: 'tok_0f8e3c5a7b9d1f2e4c6a8b0d2f4e6a8c',
    previousSecret: 'tok_9a7b5c3d1e0f2a4b6c8d0e2f4a6b8c0d',
    otherSourceSecret: 'tok_another_source_token',
    multiSignature: false,
    timestamped: false,
    signsBody: false,
    removals: [remove('x-bridge-token')],
    malformed: [],
    mutateSignature: (request, index, pick) =>
      withHeader(
        request,
        'x-bridge-token',
        replaceChar(request.headers['x-bridge-token'] ?? '', index, pick, TOKEN_CHARS),
      ),
    secretKind: 'token',
  },
  {
    name: 'shared-token (query)',
    config: config({ scheme: 'shared-token', secrets: ['PIPEDRIVE_TOKEN'], query: 'token' }),
    secret: 'tok_0f8e3c5a7b9d1f2e4c6a8b0d2f4e6a8c',
    previousSecret: 'tok_9a7b5c3d1e0f2a4b6c8d0e2f4a6b8c0d',
    otherSourceSecret: 'tok_another_source_token',
    multiSignature: false,
    timestamped: false,
    signsBody: false,
    removals: [
      [
        'token query parameter',
        (request) => {
          const url = new URL(request.url);
          url.searchParams.delete('token');
          return { ...request, url: url.toString() };
        },
      ],
    ],
    malformed: [],
    mutateSignature: (request, index, pick) => {
      const url = new URL(request.url);
      url.searchParams.set(
        'token',
        replaceChar(url.searchParams.get('token') ?? '', index, pick, TOKEN_CHARS),
      );
      return { ...request, url: url.toString() };
    },
    secretKind: 'token',
  },
];
