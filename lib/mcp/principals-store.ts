// The principals port, and the three things the CLI does with it: create, revoke, rotate.
import { PrincipalError } from './errors.ts';
import { hashToken, newToken, type PrincipalRecord, type RandomBytes } from './principals.ts';
import type { Scope } from './scopes.ts';

/** Locally a 0600 JSON file in the local dir (principals-file.ts); in AWS it would be a table (not built). */
export interface PrincipalStore {
  list(): Promise<PrincipalRecord[]>;
  findByTokenHash(tokenSha256: string): Promise<PrincipalRecord | undefined>;
  /** Replaces the record with the same name. */
  put(record: PrincipalRecord): Promise<void>;
}

export interface IssueOptions {
  now: Date;
  random?: RandomBytes;
}

/** Names show up in the trail as `agent:<name>` and in URLs of tools that list them: keep them plain. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function createPrincipal(
  store: PrincipalStore,
  input: { name: string; scopes: readonly Scope[]; expiresInMs?: number },
  options: IssueOptions,
): Promise<{ record: PrincipalRecord; token: string }> {
  if (!NAME.test(input.name)) {
    throw new PrincipalError(
      'invalid_principal_name',
      `"${input.name}" is not a principal name: letters, digits, . _ - (up to 64), starting with a letter or digit`,
    );
  }
  const existing = (await store.list()).find((record) => record.name === input.name);
  if (existing) {
    throw new PrincipalError(
      'principal_exists',
      `a principal named ${input.name} exists: \`principals rotate ${input.name}\` replaces its token`,
    );
  }
  const token = newToken(options.random);
  const record: PrincipalRecord = {
    name: input.name,
    tokenSha256: hashToken(token),
    scopes: [...input.scopes],
    createdAt: options.now.toISOString(),
    ...(input.expiresInMs !== undefined
      ? { expiresAt: new Date(options.now.getTime() + input.expiresInMs).toISOString() }
      : {}),
  };
  await store.put(record);
  return { record, token };
}

export async function revokePrincipal(
  store: PrincipalStore,
  name: string,
  now: Date,
): Promise<PrincipalRecord> {
  const record = await named(store, name);
  // Kept, not deleted: the trail names the principal, and `list` should still say who it was.
  const revoked = { ...record, revokedAt: record.revokedAt ?? now.toISOString() };
  await store.put(revoked);
  return revoked;
}

/** A new token for the same name and scopes; the old one stops working at once. A revoked principal stays so. */
export async function rotatePrincipal(
  store: PrincipalStore,
  name: string,
  options: IssueOptions,
): Promise<{ record: PrincipalRecord; token: string }> {
  const record = await named(store, name);
  if (record.revokedAt !== undefined) {
    throw new PrincipalError('revoked_token', `${name} is revoked: create a new principal instead`);
  }
  const token = newToken(options.random);
  const rotated = { ...record, tokenSha256: hashToken(token), rotatedAt: options.now.toISOString() };
  await store.put(rotated);
  return { record: rotated, token };
}

async function named(store: PrincipalStore, name: string): Promise<PrincipalRecord> {
  const record = (await store.list()).find((r) => r.name === name);
  if (!record) throw new PrincipalError('unknown_principal', `no principal named ${name}`);
  return record;
}
