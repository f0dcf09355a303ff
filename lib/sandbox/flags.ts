// Every sandbox behaviour that Userflow's public documentation leaves unconfirmed, as a flag with a documented default (see README.md here).

/** Choices the public docs do not settle. Defaults are the most plausible reading; see lib/sandbox/README.md. */
export interface SandboxFlags {
  /** Missing `Userflow-Version` header: the docs say the latest version is used, so it is accepted unless this is set. */
  requireVersionHeader: boolean;
  /** `limit` above 100: answer 400 `invalid_params` (`reject`) or silently use 100 (`clamp`). */
  limitOverMax: 'reject' | 'clamp';
  /** Page size when `limit` is not given. */
  defaultLimit: number;
  /** Accept `expand=a,b` and `order_by=a,b` (comma-joined, as one third-party client sends). */
  commaSeparatedArrays: boolean;
  /** Unknown `expand` keys: 400 (`reject`) or dropped (`ignore`). */
  unknownExpand: 'reject' | 'ignore';
  /** Unknown query parameters: dropped (`ignore`, as a live client sends `sort=asc` without failing) or 400. */
  unknownQueryParams: 'ignore' | 'reject';
  /** Unknown top-level body fields on POST: 400 (`reject`) or dropped (`ignore`). */
  unknownBodyFields: 'reject' | 'ignore';
  /** `next_page_url` as a path (`/users?…`), an absolute URL, or always null. */
  nextPageUrl: 'path' | 'absolute' | 'none';
  /** A `null` attribute value removes the attribute (`true`) or stores null (`false`). */
  nullClears: boolean;
  /** ISO 8601 strings are typed `datetime` and returned normalised to `…T…:…:….mmm+00:00`. */
  inferDatetime: boolean;
  /** `append`/`prepend` skip values already in the list (set semantics) instead of duplicating them. */
  listOpsDedupe: boolean;
  /** Status of a successful POST: user/group create-or-update (create and update alike) and track event. */
  writeStatus: 200 | 201;
  /** Deleting something already gone: 200 like a real delete (`ok`, the product brief's reading) or 404. */
  deleteMissing: 'ok' | '404';
  /** Delete response: `{id, object, deleted: true}` with 200 (`object`) or an empty 204 (`empty`). */
  deleteResponse: 'object' | 'empty';
  /** `DELETE /group_memberships` takes `user_id`/`group_id` from the query (`query`), the JSON body, or either. */
  membershipDeleteParams: 'query' | 'body' | 'either';
  /** `POST /events` for an unknown user or group: create it (`create`) or answer 404 (`reject`). */
  eventUnknownSubject: 'create' | 'reject';
  /** `POST /events` may set `time` (back-dating); when false a given `time` is ignored and `time` = now. */
  eventTimeSettable: boolean;
  /** `GET /content_versions` without `content_id`: list every version (false) or 400 (true). */
  contentVersionsRequireContentId: boolean;
  /** `email=` on `GET /users` matches case-insensitively (`true`) or exactly. */
  emailFilterIgnoresCase: boolean;
  /** Filters on users by attribute (`attributes.<name>=value`), which only one third-party client claims. */
  attributeFilters: boolean;
  /** Reproduce the known server bug: `starting_after` on a record whose `order_by` field is null → 500. */
  nullCursorBug: boolean;
  /**
   * Event and attribute names: any non-empty name (`any`), or only letters, digits, `_`, `-` and spaces
   * (`strict`; no dots), the narrowest reading of the naming advice, so nothing passes here that Userflow
   * might refuse.
   */
  nameCharacters: 'any' | 'strict';
  /** `prune_memberships: true` without a `groups` or `memberships` list: 400 (`true`), or prune every membership. */
  pruneNeedsList: boolean;
  /** Content sessions carry `task_completions` (per checklist task, with times). No public source shows it. */
  sessionTaskCompletions: boolean;
  /** Rate-limit buckets per API key (`key`) or one for the whole environment (`environment`). */
  rateLimitScope: 'environment' | 'key';
  /** Error `code` strings the docs do not confirm. */
  errorCodes: {
    unauthorized: string;
    notFound: string;
    rateLimited: string;
    serverError: string;
    methodNotAllowed: string;
  };
}

export const DEFAULT_SANDBOX_FLAGS: Readonly<SandboxFlags> = Object.freeze({
  requireVersionHeader: false,
  limitOverMax: 'reject',
  defaultLimit: 20,
  commaSeparatedArrays: false,
  unknownExpand: 'reject',
  unknownQueryParams: 'ignore',
  unknownBodyFields: 'reject',
  nextPageUrl: 'path',
  nullClears: true,
  inferDatetime: true,
  listOpsDedupe: false,
  writeStatus: 200,
  deleteMissing: 'ok',
  deleteResponse: 'object',
  membershipDeleteParams: 'either',
  eventUnknownSubject: 'create',
  eventTimeSettable: true,
  contentVersionsRequireContentId: false,
  emailFilterIgnoresCase: true,
  attributeFilters: false,
  nullCursorBug: false,
  nameCharacters: 'any',
  pruneNeedsList: false,
  sessionTaskCompletions: false,
  rateLimitScope: 'environment',
  errorCodes: Object.freeze({
    unauthorized: 'unauthorized',
    notFound: 'not_found',
    rateLimited: 'rate_limited',
    serverError: 'internal_error',
    methodNotAllowed: 'method_not_allowed',
  }),
});

export type SandboxFlagOverrides = Partial<Omit<SandboxFlags, 'errorCodes'>> & {
  errorCodes?: Partial<SandboxFlags['errorCodes']>;
};

/**
 * Named sets of flags. `lenient` is the defaults (the most plausible readings); `strict` takes, wherever the docs
 * leave a choice open, the reading that refuses more, so code tested against it does not lean on leniency
 * Userflow may not have. Each entry stays an ordinary flag that a caller can override.
 */
export const SANDBOX_PROFILES = {
  lenient: {},
  strict: {
    nameCharacters: 'strict',
    membershipDeleteParams: 'query',
    pruneNeedsList: true,
    eventUnknownSubject: 'reject',
  },
} as const satisfies Record<string, SandboxFlagOverrides>;
export type SandboxProfile = keyof typeof SANDBOX_PROFILES;

/** Defaults, then the profile's flags, then the caller's overrides on top (errorCodes merged key by key). */
export function resolveFlags(
  overrides: SandboxFlagOverrides = {},
  profile: SandboxProfile = 'lenient',
): SandboxFlags {
  return {
    ...DEFAULT_SANDBOX_FLAGS,
    ...SANDBOX_PROFILES[profile],
    ...overrides,
    errorCodes: { ...DEFAULT_SANDBOX_FLAGS.errorCodes, ...overrides.errorCodes },
  };
}

/** The strict naming rule: letters, digits, `_`, `-` and spaces. */
export const STRICT_NAME = /^[A-Za-z0-9_\- ]+$/;
