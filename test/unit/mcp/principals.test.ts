import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrincipalError } from '../../../lib/mcp/errors.ts';
import { authenticate, hashToken, newToken, parseDuration } from '../../../lib/mcp/principals.ts';
import { openPrincipalsFile } from '../../../lib/mcp/principals-file.ts';
import {
  createPrincipal,
  type PrincipalStore,
  revokePrincipal,
  rotatePrincipal,
} from '../../../lib/mcp/principals-store.ts';
import { parseScopes } from '../../../lib/mcp/scopes.ts';

const NOW = new Date('2026-03-01T10:00:00Z');

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof PrincipalError ? error.code : `not a PrincipalError: ${String(error)}`;
  }
}

describe('tokens', () => {
  it('are ufb_ + 32 random bytes as base64url', () => {
    const token = newToken(() => Buffer.alloc(32, 0xff));
    expect(token).toBe(`ufb_${'_'.repeat(42)}8`);
    expect(newToken()).toMatch(/^ufb_[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(newToken());
  });

  it('durations and scopes parse, and unknown scopes are named', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('30 days')).toBeUndefined();
    expect(parseDuration('0d')).toBeUndefined();
    expect(parseScopes('users:write, delete')).toEqual({ scopes: ['users:write', 'delete'] });
    expect(parseScopes('users:write,admin')).toEqual({ unknown: ['admin'] });
  });
});

describe('the principals file', () => {
  let dir: string;
  let store: PrincipalStore;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ufb-principals-'));
    path = join(dir, 'principals.json');
    store = openPrincipalsFile(path);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps only the SHA-256 of a token, in a 0600 file, and the token authenticates', async () => {
    const { token } = await createPrincipal(
      store,
      { name: 'claude', scopes: ['userflow:read'] },
      { now: NOW },
    );
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(token);
    expect(text).toContain(hashToken(token));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const principal = await authenticate(token, store.findByTokenHash, NOW);
    expect(principal).toEqual({ name: 'claude', scopes: ['userflow:read'] });
  });

  it('refuses a second principal of the same name and a name the trail cannot carry', async () => {
    await createPrincipal(store, { name: 'claude', scopes: ['userflow:read'] }, { now: NOW });
    expect(await codeOf(createPrincipal(store, { name: 'claude', scopes: [] }, { now: NOW }))).toBe(
      'principal_exists',
    );
    expect(await codeOf(createPrincipal(store, { name: 'a b', scopes: [] }, { now: NOW }))).toBe(
      'invalid_principal_name',
    );
  });

  it('an expired, revoked, rotated-away or malformed token is refused, each with its reason', async () => {
    const short = await createPrincipal(
      store,
      { name: 'short', scopes: ['userflow:read'], expiresInMs: 60_000 },
      { now: NOW },
    );
    expect(
      await codeOf(authenticate(short.token, store.findByTokenHash, new Date(NOW.getTime() + 59_000))),
    ).toBe(undefined);
    expect(
      await codeOf(authenticate(short.token, store.findByTokenHash, new Date(NOW.getTime() + 60_000))),
    ).toBe('expired_token');

    const revoked = await createPrincipal(store, { name: 'gone', scopes: ['delete'] }, { now: NOW });
    await revokePrincipal(store, 'gone', NOW);
    expect(await codeOf(authenticate(revoked.token, store.findByTokenHash, NOW))).toBe('revoked_token');
    expect(await codeOf(rotatePrincipal(store, 'gone', { now: NOW }))).toBe('revoked_token');

    const first = await createPrincipal(store, { name: 'rot', scopes: ['users:write'] }, { now: NOW });
    const second = await rotatePrincipal(store, 'rot', { now: NOW });
    expect(await codeOf(authenticate(first.token, store.findByTokenHash, NOW))).toBe('unknown_token');
    expect(await authenticate(second.token, store.findByTokenHash, NOW)).toEqual({
      name: 'rot',
      scopes: ['users:write'],
    });

    expect(await codeOf(authenticate(undefined, store.findByTokenHash, NOW))).toBe('missing_token');
    expect(await codeOf(authenticate('Bearer abc', store.findByTokenHash, NOW))).toBe('missing_token');
    expect(await codeOf(revokePrincipal(store, 'nobody', NOW))).toBe('unknown_principal');
  });
});
