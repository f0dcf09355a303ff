// Principals: named holders of a bearer token and its scopes. Pure: tokens, hashes, expiry and the auth check.
import { createHash, randomBytes } from 'node:crypto';
import { PrincipalError } from './errors.ts';
import type { Scope } from './scopes.ts';

export const TOKEN_PREFIX = 'ufb_';
/** `ufb_` + 32 bytes as base64url (43 characters). */
const TOKEN_SHAPE = /^ufb_[A-Za-z0-9_-]{43}$/;

export interface PrincipalRecord {
  name: string;
  /** Hex SHA-256 of the token: the token itself is printed once and never stored. */
  tokenSha256: string;
  scopes: Scope[];
  /** ISO 8601. */
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  /** When the token was last replaced by `rotate`. */
  rotatedAt?: string;
}

/** What a tool call knows of its caller once the token checked out. */
export interface Principal {
  name: string;
  scopes: readonly Scope[];
}

export type RandomBytes = (size: number) => Buffer;

export function newToken(random: RandomBytes = randomBytes): string {
  return `${TOKEN_PREFIX}${random(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function looksLikeToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** `30d`, `12h`, `90m` → milliseconds; undefined when the text is not one of those. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([dhm])$/.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as 'd' | 'h' | 'm'];
  return amount > 0 ? amount * unit : undefined;
}

/** Who holds `token`, or a 401-shaped `PrincipalError` saying why nobody usable does. */
export async function authenticate(
  token: string | undefined,
  find: (tokenSha256: string) => Promise<PrincipalRecord | undefined>,
  now: Date,
): Promise<Principal> {
  if (!token || !looksLikeToken(token)) {
    throw new PrincipalError('missing_token', 'a bearer token ufb_… is required');
  }
  const record = await find(hashToken(token));
  if (!record) {
    throw new PrincipalError('unknown_token', 'the token is not known (a rotated token is forgotten)');
  }
  if (record.revokedAt !== undefined) {
    throw new PrincipalError('revoked_token', `the token of ${record.name} was revoked`);
  }
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime()) {
    throw new PrincipalError('expired_token', `the token of ${record.name} expired at ${record.expiresAt}`);
  }
  return { name: record.name, scopes: record.scopes };
}

/** The status a principal is in at `now`, for `principals list`. */
export function principalStatus(record: PrincipalRecord, now: Date): 'active' | 'expired' | 'revoked' {
  if (record.revokedAt !== undefined) return 'revoked';
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}
