// Turns a database row into a MappedEntity: key columns out, the rest renamed and coerced to Userflow types.
import type { AttributeLiteral } from '../commands/index.ts';
import { type EntityKind, KEY_COLUMNS, type MappedEntity } from './entity.ts';
import { SyncError } from './errors.ts';
import type { EntityQuery } from './sync-file.ts';

type Scalar = string | number | boolean;

export interface RowMapper {
  /**
   * The whole mapping, from the row's parsed values (the query's columns, in order), done only for rows whose
   * hash moved. The key comes with the row (see `orderedQuery`).
   */
  entity(values: readonly unknown[], key: string): MappedEntity;
  /** Identifies the mapping (kind, columns, renames, types): a changed mapping must read as changed rows. */
  readonly signature: string;
}

/**
 * Checks the query's columns once (missing key column, a rename or exclude naming no column) and returns a
 * mapper for its rows. Column problems are the user's to fix, so they fail the run with the file named.
 */
export function createRowMapper(
  kind: EntityKind,
  query: EntityQuery,
  columns: readonly string[],
  file: string,
): RowMapper {
  const keys = KEY_COLUMNS[kind];
  const missing = keys.filter((k) => !columns.includes(k));
  const unknown = [...Object.keys(query.columns), ...query.exclude].filter((c) => !columns.includes(c));
  if (missing.length || unknown.length) {
    const problems = [
      ...missing.map(
        (c) => `${kind}.query must return a \`${c}\` column (it returned: ${columns.join(', ') || 'none'})`,
      ),
      ...unknown.map((c) => `${kind}.columns/exclude name \`${c}\`, which the query does not return`),
    ];
    throw new SyncError('bad_columns', `${file}: ${problems.join('; ')}`);
  }

  const excluded = new Set([...keys, ...query.exclude]);
  const attributeColumns = columns
    .filter((c) => !excluded.has(c))
    .map((c) => ({ column: c, name: query.columns[c]?.rename ?? c, type: query.columns[c]?.type }));
  // Where each value is; the last column of a name wins, as it does when a row becomes an object.
  const at = (column: string) => columns.lastIndexOf(column);
  const attributeAt = attributeColumns.map((a) => at(a.column));
  const keyAt = keys.map(at);
  return {
    signature: JSON.stringify([kind, attributeColumns]),
    entity(values, key) {
      const ids: Record<string, string> = {};
      keys.forEach((k, i) => {
        ids[k] = String(values[keyAt[i] as number]);
      });
      const attributes: Record<string, AttributeLiteral> = {};
      attributeColumns.forEach(({ name, type }, i) => {
        attributes[name] = toAttribute(values[attributeAt[i] as number], type);
      });
      return { kind, key, ids, attributes };
    },
  };
}

/** Database value → Userflow literal. `type` forces a data type; without it the driver's type decides. */
export function toAttribute(value: unknown, type?: string): AttributeLiteral {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return value instanceof Date
        ? value.toISOString()
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case 'boolean':
      return value === true || value === 1 || value === 't' || value === 'true' || value === '1';
    case 'datetime': {
      const d = value instanceof Date ? value : new Date(String(value));
      return Number.isNaN(d.getTime()) ? null : d.toISOString();
    }
    case 'list':
      return (Array.isArray(value) ? value : [value]).map(toScalar);
    default:
      return inferred(value);
  }
}

function inferred(value: unknown): AttributeLiteral {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(toScalar);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  // json/jsonb columns: Userflow attributes are flat, so nested objects travel as JSON text.
  return JSON.stringify(value);
}

function toScalar(value: unknown): Scalar {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}
