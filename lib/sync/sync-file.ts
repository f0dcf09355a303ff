// The sync file: which queries feed Userflow, how columns map to attributes, and how cautious the sync must be.
// What a file's YAML reads as is validated here; reading the YAML is read-sync-file.ts, so the sync Lambda, which
// gets its files pre-read at synth (load-pre-read.ts), neither bundles nor runs the YAML parser.
import { basename, extname } from 'node:path';
import * as z from 'zod';
import { ConfigError } from '../errors.ts';

export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'datetime', 'list'] as const;

const column = z.strictObject({
  /** The Userflow attribute name, when it differs from the column name. */
  rename: z
    .string()
    .min(1)
    .optional()
    .describe('The Userflow attribute name, when it differs from the column name.'),
  /** Coerce the column to this Userflow data type (otherwise inferred from the database value). */
  type: z
    .enum(ATTRIBUTE_TYPES)
    .optional()
    .describe('Coerce the column to this Userflow data type (otherwise inferred from the database value).'),
});

const entityQuery = z.strictObject({
  /** SQL returning one row per entity; must return the key column(s), every other column is an attribute. */
  query: z
    .string()
    .min(1)
    .describe(
      'SQL returning one row per entity: the key column(s), every other column becomes an attribute.',
    ),
  /** Per-column renames and types. */
  columns: z.record(z.string(), column).default({}).describe('Per-column renames and types.'),
  /** Columns to leave out of the attributes (e.g. a tenant id used only in the WHERE clause). */
  exclude: z.array(z.string()).default([]).describe('Columns to leave out of the attributes.'),
});

/** The deletion cap's defaults: 5% of what the sync knows, but a run may always remove up to 10 of a kind. */
export const DEFAULT_MAX_DELETE = { ratio: 0.05, at_least: 10 } as const;

const maxDelete = z
  .strictObject({
    ratio: z
      .number()
      .min(0)
      .max(1)
      .default(DEFAULT_MAX_DELETE.ratio)
      .describe('Refuse removals when more than this share of the known entities of one kind would go.'),
    at_least: z
      .number()
      .int()
      .min(0)
      .default(DEFAULT_MAX_DELETE.at_least)
      .describe('A run may always remove up to this many entities of one kind, whatever their share.'),
  })
  .describe(
    'Deletion cap (memberships, users and groups): refused when more than `ratio` of one kind and more than `at_least` of them would go.',
  );

export const syncFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    /** The sync's name: keys its state and its runs. Defaults to the file name without extension. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes')
      .optional(),
    description: z.string().optional(),
    /**
     * Name of the secret holding the connection URL (`postgres://…`): an environment variable locally, a key of
     * the sync secret in AWS. The URL itself never goes in this file.
     */
    connection: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'secret names are UPPER_SNAKE_CASE')
      .describe('Name of the secret holding the postgres:// URL (env/.env locally, the sync secret in AWS).'),
    /**
     * `upsert` creates and updates; `update-only` never creates users or groups; `mirror` also removes memberships
     * that disappeared (and deletes users/groups when `delete: true`).
     */
    mode: z
      .enum(['upsert', 'update-only', 'mirror'])
      .default('upsert')
      .describe(
        'upsert creates and updates; update-only never creates; mirror also removes what disappeared.',
      ),
    /** Mirror mode only: also delete users and groups whose rows disappeared. */
    delete: z
      .boolean()
      .default(false)
      .describe('Mirror mode: also delete users and groups whose rows disappeared.'),
    /**
     * The deletion cap: a run refuses to remove or delete anything (and queues nothing at all) when more than
     * `ratio` of the known entities of one kind would go, and more than `at_least` of them: a broken query that
     * returns nothing must not wipe Userflow, and one removed membership of three must not stop every run.
     */
    max_delete: maxDelete.optional(),
    /** The older form of `max_delete.ratio` (with the default `at_least`). */
    max_delete_ratio: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Older form of max_delete.ratio (with the default at_least); prefer max_delete.'),
    /**
     * Where the fingerprints of the last successful run live: `embedded` (the default: the bridge's own store, a
     * SQLite file under the local dir when run locally, the DynamoDB state table in the AWS sync function) or
     * `database` (tables `userflow_bridge_sync_state` and `userflow_bridge_sync_runs` in the synced database
     * itself).
     */
    state: z
      .enum(['embedded', 'database'])
      .default('embedded')
      .describe(
        "Where the last run's fingerprints live: embedded (SQLite locally, DynamoDB in the AWS sync function) or tables in the synced database.",
      ),
    users: entityQuery.optional(),
    groups: entityQuery.optional(),
    /** Rows of `user_id`, `group_id` and optional membership attributes. */
    memberships: entityQuery.optional(),
    /**
     * Send each user's changed memberships (with their attributes) in the user's own upsert, one Userflow call
     * per user, rather than one call per membership. Off: the older one-call-per-membership form.
     */
    fold_memberships: z
      .boolean()
      .default(true)
      .describe("Send each user's changed memberships in the user's own upsert (one call per user)."),
    /** Rows read per cursor fetch: bounds memory whatever the table size. */
    batch_size: z.number().int().min(1).max(10_000).default(1000).describe('Rows read per cursor fetch.'),
  })
  .refine((f) => f.users || f.groups || f.memberships, {
    message: 'give at least one of users, groups, memberships',
  })
  .refine((f) => !f.delete || f.mode === 'mirror', {
    message: '`delete: true` needs `mode: mirror`',
    path: ['delete'],
  })
  .refine((f) => f.max_delete === undefined || f.max_delete_ratio === undefined, {
    message: 'give max_delete or max_delete_ratio, not both',
    path: ['max_delete_ratio'],
  })
  // The older `max_delete_ratio` becomes `max_delete`, so the run reads one form.
  .transform(({ max_delete_ratio, ...f }) => ({
    ...f,
    max_delete: f.max_delete ?? {
      ratio: max_delete_ratio ?? DEFAULT_MAX_DELETE.ratio,
      at_least: DEFAULT_MAX_DELETE.at_least,
    },
  }));

export type SyncFile = z.infer<typeof syncFileSchema> & { name: string; path: string };
export type EntityQuery = z.infer<typeof entityQuery>;

/** Validates what a sync file's YAML reads as; every problem is listed, each naming the file and the field. */
export function syncFileFromData(path: string, raw: unknown): SyncFile {
  const result = syncFileSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid sync file ${path}`, problems);
  }
  return { ...result.data, name: result.data.name ?? basename(path, extname(path)), path };
}

/** The JSON Schema written to `syncs/schema.json` (`npm run schema`), for editor completion in sync files. */
export function syncFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(syncFileSchema, { io: 'input' }) as Record<string, unknown>;
}
