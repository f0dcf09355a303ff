// Shared steps of the end-to-end tests: sign and post webhooks as senders do, read the sandbox and the audit log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SANDBOX_API_KEY } from '../../lib/sandbox/index.ts';
import { createSigner, type VerifyConfig, verifyConfig } from '../../lib/sources/index.ts';

export interface Posted {
  status: number;
  body: { accepted?: number; commands?: string[]; duplicate?: boolean; error?: { code: string } };
}

/** The `verify` block of a shipped rule file, through the same schema the bridge uses. */
export function verifyOf(rulesDir: string, source: string): VerifyConfig {
  const file = parse(readFileSync(join(rulesDir, `${source}.yaml`), 'utf8')) as { verify: unknown };
  return verifyConfig.parse(file.verify);
}

/** Signs `body` with `secret` as the sender would (createSigner) and posts it. */
export async function postSigned(
  ingestUrl: string,
  source: string,
  verify: VerifyConfig,
  secret: string,
  body: string,
  extra: { eventId?: string } = {},
): Promise<Posted> {
  const url = `${ingestUrl}/webhooks/${source}`;
  const headers = createSigner(verify)({
    rawBody: body,
    secret,
    now: new Date(),
    method: 'POST',
    url,
    ...extra,
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Posted['body'] };
}

export interface SandboxUser {
  id: string;
  attributes: Record<string, unknown>;
  memberships: { group_id: string }[];
}

async function sandboxGet(sandboxUrl: string, path: string): Promise<Response> {
  return fetch(`${sandboxUrl}${path}`, {
    headers: { authorization: `Bearer ${SANDBOX_API_KEY}`, 'userflow-version': '2020-01-03' },
  });
}

/** The user with memberships, or undefined when the sandbox has no such user. */
export async function sandboxUser(sandboxUrl: string, id: string): Promise<SandboxUser | undefined> {
  const response = await sandboxGet(sandboxUrl, `/users/${encodeURIComponent(id)}?expand[]=memberships`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`sandbox GET user ${id}: ${response.status}`);
  return (await response.json()) as SandboxUser;
}

/** Every event name tracked so far (Userflow's API lists event definitions, not events; see `snapshotEvents`). */
export async function sandboxEventNames(sandboxUrl: string): Promise<string[]> {
  const response = await sandboxGet(sandboxUrl, '/event_definitions?limit=100');
  if (!response.ok) throw new Error(`sandbox GET event_definitions: ${response.status}`);
  const body = (await response.json()) as { data: { name: string }[] };
  return body.data.map((definition) => definition.name);
}

export interface SnapshotEvent {
  name: string;
  user_id?: string | null;
  group_id?: string | null;
  attributes?: Record<string, unknown>;
}

/** The events in the sandbox's snapshot file (written when the sandbox closes). */
export function snapshotEvents(path: string): SnapshotEvent[] {
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as { events?: SnapshotEvent[] };
  return snapshot.events ?? [];
}

export interface AuditLine {
  commandId?: string;
  source?: string;
  rule?: string;
  command?: string;
  outcome: string;
  status?: number;
}

export function readAudit(path: string): AuditLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AuditLine);
}

/** Polls `check` until it returns a value other than undefined/false, or fails with the last state. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
