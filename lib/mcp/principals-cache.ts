// A principals store read at most once per `maxAgeMs`: in AWS each request must not cost a table read, and a
// revocation still takes effect within that window (60 s at most) without a deploy.
import type { PrincipalRecord } from './principals.ts';
import type { PrincipalStore } from './principals-store.ts';

export const MAX_PRINCIPALS_CACHE_MS = 60_000;

export function cachedPrincipals(
  store: PrincipalStore,
  options: { maxAgeMs?: number; now?: () => number } = {},
): PrincipalStore {
  const maxAgeMs = Math.min(options.maxAgeMs ?? MAX_PRINCIPALS_CACHE_MS, MAX_PRINCIPALS_CACHE_MS);
  const now = options.now ?? Date.now;
  let cached: { at: number; records: Promise<PrincipalRecord[]> } | undefined;
  const list = () => {
    if (!cached || now() - cached.at >= maxAgeMs) {
      const records = store.list();
      cached = { at: now(), records };
      // A failed read is not cached: the next request tries again.
      records.catch(() => {
        if (cached?.records === records) cached = undefined;
      });
    }
    return cached.records;
  };
  return {
    list,
    findByTokenHash: async (hash) => (await list()).find((record) => record.tokenSha256 === hash),
    put: async (record) => {
      await store.put(record);
      cached = undefined;
    },
  };
}
