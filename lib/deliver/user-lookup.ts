// Finds the Userflow user a command means by one of their attributes (e.g. `stripe_customer_id`), with a short cache.
//
// Userflow documents an `email=` filter on GET /users; a filter on other attributes is UNCONFIRMED. Strategy
// `query` sends `attributes.<name>=<value>` and checks every returned user really matches: a server that ignores
// the filter returns users that do not, and the resolver then falls back to `scan` (every page of users, indexed
// by the attribute and cached) and stops trying the filter. Strategy `scan` skips the filter altogether.
import type { ListUsersParams } from '../userflow/index.ts';
import { DeliveryError } from './errors.ts';
import type { Clock } from './token-bucket.ts';

export type LookupStrategy = 'query' | 'scan';

export interface LookedUpUser {
  id: string;
  attributes: Readonly<Record<string, unknown>>;
}

export interface UserPage {
  data: readonly LookedUpUser[];
  has_more: boolean;
}

/** One page of GET /users; the caller routes it through the rate limiter and the audit log. */
export type ListUsersPage = (params: ListUsersParams) => Promise<UserPage>;

export interface UserLookupOptions {
  strategy: LookupStrategy;
  /** How long a found user id (or a scanned index) is trusted. */
  ttlMs: number;
  clock: Clock;
  /** Bound on cached ids (oldest dropped first). Default 10 000. */
  maxEntries?: number;
  /**
   * A value missing from a scanned index older than this triggers one fresh scan (default 10 s), so a user
   * created after the last scan is found without rescanning for every miss.
   */
  rescanOnMissAfterMs?: number;
  /** Called once when the server is seen ignoring the attribute filter. */
  onFilterIgnored?: (attribute: string) => void;
}

export interface LookupKey {
  attribute: string;
  value: string | number;
}

const PAGE_SIZE = 100;

interface CachedId {
  userId: string;
  expiresAt: number;
}

interface CachedIndex {
  ids: ReadonlyMap<string, readonly string[]>;
  builtAt: number;
  expiresAt: number;
}

export class UserLookupResolver {
  readonly #options: UserLookupOptions;
  readonly #ids = new Map<string, CachedId>();
  readonly #indexes = new Map<string, Promise<CachedIndex>>();
  #filterIgnored = false;

  constructor(options: UserLookupOptions) {
    this.#options = options;
  }

  /** The user id, or undefined when no user has that value. Throws `lookup_ambiguous` when several do. */
  async resolve(key: LookupKey, listUsers: ListUsersPage): Promise<string | undefined> {
    const cacheKey = keyOf(key);
    const now = this.#options.clock();
    const cached = this.#ids.get(cacheKey);
    if (cached && cached.expiresAt > now) return cached.userId;
    if (cached) this.#ids.delete(cacheKey);

    const ids = await this.#find(key, listUsers);
    if (ids.length > 1) {
      throw new DeliveryError(
        'lookup_ambiguous',
        `${ids.length} Userflow users have ${key.attribute} = the looked-up value`,
      );
    }
    const [userId] = ids;
    // Misses are not cached: the user may be created a moment later by another command.
    if (userId !== undefined) this.#remember(cacheKey, userId);
    return userId;
  }

  /** Drops what is known about a value (e.g. after the user was deleted). */
  forget(key: LookupKey): void {
    this.#ids.delete(keyOf(key));
    this.#indexes.delete(key.attribute);
  }

  async #find(key: LookupKey, listUsers: ListUsersPage): Promise<string[]> {
    const filterable =
      key.attribute === 'email' || (this.#options.strategy === 'query' && !this.#filterIgnored);
    if (filterable) {
      const params: ListUsersParams =
        key.attribute === 'email'
          ? { email: String(key.value), limit: 2 }
          : { query: { [`attributes.${key.attribute}`]: String(key.value) }, limit: 2 };
      const page = await listUsers(params);
      if (page.data.every((user) => matches(user, key))) return page.data.map((user) => user.id);
      if (key.attribute !== 'email' && !this.#filterIgnored) {
        this.#filterIgnored = true;
        this.#options.onFilterIgnored?.(key.attribute);
      }
    }
    const value = normalise(key.attribute, key.value);
    let index = await this.#index(key.attribute, listUsers);
    if (
      !index.ids.has(value) &&
      this.#options.clock() - index.builtAt > (this.#options.rescanOnMissAfterMs ?? 10_000)
    ) {
      this.#indexes.delete(key.attribute);
      index = await this.#index(key.attribute, listUsers);
    }
    return [...(index.ids.get(value) ?? [])];
  }

  /** One scan per attribute at a time, shared by concurrent lookups and reused until it expires. */
  async #index(attribute: string, listUsers: ListUsersPage): Promise<CachedIndex> {
    const now = this.#options.clock();
    const existing = this.#indexes.get(attribute);
    if (existing) {
      const index = await existing.catch(() => undefined);
      if (index && index.expiresAt > now) return index;
      if (this.#indexes.get(attribute) === existing) this.#indexes.delete(attribute);
    }
    const building = this.#scan(attribute, listUsers);
    this.#indexes.set(attribute, building);
    building.catch(() => {
      if (this.#indexes.get(attribute) === building) this.#indexes.delete(attribute);
    });
    return building;
  }

  async #scan(attribute: string, listUsers: ListUsersPage): Promise<CachedIndex> {
    const ids = new Map<string, string[]>();
    let startingAfter: string | undefined;
    for (;;) {
      const page = await listUsers({
        limit: PAGE_SIZE,
        ...(startingAfter === undefined ? {} : { starting_after: startingAfter }),
      });
      for (const user of page.data) {
        const value = user.attributes[attribute];
        if (typeof value !== 'string' && typeof value !== 'number') continue;
        const k = normalise(attribute, value);
        ids.set(k, [...(ids.get(k) ?? []), user.id]);
      }
      const last = page.data.at(-1);
      if (!page.has_more || last === undefined) break;
      startingAfter = last.id;
    }
    const builtAt = this.#options.clock();
    return { ids, builtAt, expiresAt: builtAt + this.#options.ttlMs };
  }

  #remember(cacheKey: string, userId: string): void {
    const max = this.#options.maxEntries ?? 10_000;
    this.#ids.delete(cacheKey);
    this.#ids.set(cacheKey, { userId, expiresAt: this.#options.clock() + this.#options.ttlMs });
    while (this.#ids.size > max) {
      const oldest = this.#ids.keys().next().value;
      if (oldest === undefined) break;
      this.#ids.delete(oldest);
    }
  }
}

function keyOf(key: LookupKey): string {
  return `${key.attribute}\u0000${normalise(key.attribute, key.value)}`;
}

// Email addresses compare case-insensitively; every other value compares as its string form.
function normalise(attribute: string, value: string | number): string {
  const text = String(value);
  return attribute === 'email' ? text.toLowerCase() : text;
}

function matches(user: LookedUpUser, key: LookupKey): boolean {
  const value = user.attributes[key.attribute];
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  return normalise(key.attribute, value) === normalise(key.attribute, key.value);
}
