// The local principals store: one JSON file in the local dir, mode 0600, replaced atomically on each write.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import { PrincipalError } from './errors.ts';
import type { PrincipalRecord } from './principals.ts';
import type { PrincipalStore } from './principals-store.ts';
import { scope } from './scopes.ts';

export const PRINCIPALS_FILE = 'principals.json';

const fileSchema = z.object({
  v: z.literal(1),
  principals: z.array(
    z.object({
      name: z.string().min(1),
      tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
      scopes: z.array(scope),
      createdAt: z.string(),
      expiresAt: z.string().optional(),
      revokedAt: z.string().optional(),
      rotatedAt: z.string().optional(),
    }),
  ),
});

export function principalsPath(localDir: string): string {
  return join(localDir, PRINCIPALS_FILE);
}

/**
 * Read on every call rather than cached: a revocation by `principals revoke` in another process takes effect on
 * the very next request, and the file is small.
 */
export function openPrincipalsFile(path: string): PrincipalStore {
  const read = (): PrincipalRecord[] => {
    if (!existsSync(path)) return [];
    try {
      return fileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).principals as PrincipalRecord[];
    } catch (error) {
      throw new PrincipalError('principals_unavailable', `${path} is not a principals file`, {
        cause: error,
      });
    }
  };
  const write = (records: PrincipalRecord[]) => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ v: 1, principals: records }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  };
  return {
    list: async () => read(),
    findByTokenHash: async (hash) => read().find((record) => record.tokenSha256 === hash),
    put: async (record) => {
      const records = read().filter((r) => r.name !== record.name);
      write([...records, record].sort((a, b) => a.name.localeCompare(b.name)));
    },
  };
}
