// Confirmation tokens for destructive tools: an HMAC over the principal, the tool and its exact arguments, 5 min.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const CONFIRM_TTL_MS = 5 * 60_000;
const PREFIX = 'cfm_';

export interface ConfirmInput {
  principal: string;
  tool: string;
  /** The arguments without `confirm` and `wait`: those do not change what would be deleted. */
  args: Record<string, unknown>;
}

/** Keys sorted at every depth, so the same arguments in another order confirm alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sign(secret: Uint8Array, input: ConfirmInput, expiresAtMs: number): string {
  return createHmac('sha256', secret)
    .update(`${expiresAtMs}\u0000${input.principal}\u0000${input.tool}\u0000${canonical(input.args)}`)
    .digest('base64url');
}

export function issueConfirmation(
  secret: Uint8Array,
  input: ConfirmInput,
  now: Date,
): { token: string; expiresAt: string } {
  const expiresAtMs = now.getTime() + CONFIRM_TTL_MS;
  return {
    token: `${PREFIX}${expiresAtMs}.${sign(secret, input, expiresAtMs)}`,
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
}

export type ConfirmCheck = 'ok' | 'malformed' | 'expired' | 'mismatch';

const TOKEN = /^cfm_(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

/** `mismatch` covers other arguments, another tool, another principal and another server's secret alike. */
export function checkConfirmation(
  secret: Uint8Array,
  token: string,
  input: ConfirmInput,
  now: Date,
): ConfirmCheck {
  const match = TOKEN.exec(token);
  if (!match) return 'malformed';
  const expiresAtMs = Number(match[1]);
  const expected = Buffer.from(sign(secret, input, expiresAtMs));
  const given = Buffer.from(match[2] as string);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'mismatch';
  return now.getTime() < expiresAtMs ? 'ok' : 'expired';
}

/**
 * What the trail keeps of a token once it has confirmed a call, so it cannot confirm another: its SHA-256 (the
 * token itself is a credential for those 5 minutes, and none is ever stored) and when it expires, in epoch
 * seconds. For a token `checkConfirmation` found `ok`.
 */
export function confirmationUse(token: string): { id: string; expiresAt: number } {
  const expiresAtMs = Number(TOKEN.exec(token)?.[1]);
  return {
    id: createHash('sha256').update(token).digest('hex'),
    expiresAt: Math.ceil(expiresAtMs / 1000),
  };
}
