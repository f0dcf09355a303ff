// `userflow-bridge send`: sign a payload as the source's real sender would and post it to a running bridge.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Env } from '../config/read-env.ts';
import { BridgeError, ConfigError } from '../errors.ts';
import { loadRules } from '../rules/index.ts';
import { parseSecretValue } from '../secrets/index.ts';
import { createRequestSigner, type VerifyConfig } from '../sources/index.ts';
import { readDevSecrets } from './dev-secrets.ts';
import { startLayout } from './layout.ts';
import { DEFAULT_INGEST_URL } from './sample-command.ts';

export interface SendOptions {
  source: string;
  payloadPath: string;
  /** The bridge: a base (`http://127.0.0.1:8787`) or the full webhook URL. */
  url?: string;
  rulesDir: string;
  localDir: string;
  /** The secret to sign with; default: the source's first secret from `env`, then the development secrets. */
  secret?: string;
  /** Standard Webhooks `webhook-id` (default: a new one per send, as a sender does per message). */
  eventId?: string;
  /** The process environment over `.env`. */
  env: Env;
  now?: () => Date;
  timeoutMs?: number;
}

export interface SendResult {
  url: string;
  status: number;
  statusText: string;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  /** Which secret signed (its name, or `--secret`). Never the value. */
  signedWith: string;
}

export async function sendWebhook(options: SendOptions): Promise<SendResult> {
  const rules = await loadRules(options.rulesDir);
  const source = rules.get(options.source);
  if (!source) {
    const known = [...rules.sources.keys()].join(', ') || 'none';
    throw new ConfigError(`no source named '${options.source}' in ${options.rulesDir} (sources: ${known})`);
  }
  const { secret, signedWith } = pickSecret(source.verify, options);
  const rawBody = await readPayload(options.payloadPath);
  const target = webhookUrl(options.url ?? defaultBase(options.env), source.name);
  const signed = createRequestSigner(source.verify)({
    rawBody,
    secret,
    now: (options.now ?? (() => new Date()))(),
    method: 'POST',
    url: target,
    ...(source.verify.scheme === 'standard-webhooks'
      ? { eventId: options.eventId ?? `msg_${randomBytes(12).toString('base64url')}` }
      : {}),
  });

  let response: Response;
  try {
    response = await fetch(signed.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'userflow-bridge-send',
        ...signed.headers,
      },
      body: rawBody,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    throw new BridgeError(
      'unreachable',
      `could not reach ${target}: ${reason(error)}. Is the bridge running (\`npm start\`)?`,
      { retryable: true, cause: error },
    );
  }
  const text = await response.text();
  return {
    url: target,
    status: response.status,
    statusText: response.statusText,
    body: parseMaybeJson(text),
    signedWith,
  };
}

function pickSecret(verify: VerifyConfig, options: SendOptions): { secret: string; signedWith: string } {
  if (options.secret !== undefined) {
    if (options.secret.trim() === '') throw new ConfigError('--secret is empty');
    return { secret: options.secret.trim(), signedWith: '--secret' };
  }
  const dev = readDevSecrets(startLayout(options.localDir).devSecrets);
  for (const name of verify.secrets) {
    const value = options.env[name]?.trim() ? options.env[name] : dev[name];
    // During a rotation the value lists several secrets; a sender signs with the newest, listed first.
    if (value !== undefined) return { secret: parseSecretValue(name, value)[0] as string, signedWith: name };
  }
  throw new ConfigError(`no secret to sign with: ${verify.secrets.join(' or ')} is not set`, [
    'set it in the environment or .env (the value the bridge verifies with), or pass --secret',
    'or start the bridge once in sandbox mode (`npm start`): it generates development secrets that send reuses',
  ]);
}

async function readPayload(path: string): Promise<Uint8Array> {
  try {
    // The bytes as they are: the signature covers exactly what is sent.
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new ConfigError(`cannot read the payload ${path}: ${reason(error)}`);
  }
}

function defaultBase(env: Env): string {
  const port = env.PORT?.trim();
  return port && /^\d+$/.test(port) ? `http://127.0.0.1:${port}` : DEFAULT_INGEST_URL;
}

/** A bare origin gets `/webhooks/<source>`; a URL with a path is used as given. */
export function webhookUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--url is not a URL: ${url}`);
  }
  if (parsed.pathname === '/' || parsed.pathname === '') {
    parsed.pathname = `/webhooks/${encodeURIComponent(source)}`;
  }
  return parsed.toString();
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}
