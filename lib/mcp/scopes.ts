// What an agent may do: the scopes a principal carries, and the one that each tool needs.
import * as z from 'zod';

export const SCOPES = [
  'userflow:read',
  'users:write',
  'groups:write',
  'memberships:write',
  'events:write',
  'delete',
  'bridge:read',
  'bridge:replay',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Read first: a principal created without `--scopes` can look but not change anything. */
export const DEFAULT_SCOPES: readonly Scope[] = ['userflow:read'];

export const scope = z.enum(SCOPES);

/** `users:write,delete` or `users:write delete` → the scopes, or the unknown names. */
export function parseScopes(text: string): { scopes: Scope[] } | { unknown: string[] } {
  const names = text.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((name) => !scope.safeParse(name).success);
  if (unknown.length) return { unknown };
  return { scopes: [...new Set(names as Scope[])] };
}
