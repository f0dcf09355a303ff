// The SQL a sync runs around the user's query: one that reads its columns, and one that returns its rows in key
// order, each with a hash of the row computed by PostgreSQL (on its own core, not the sync's).
import { type EntityKind, KEY_COLUMNS, KEY_SEPARATOR } from './entity.ts';

export interface WrappedQuery {
  sql: string;
  /** Characters before the user's query in `sql`, and its length: to map a database error's position back. */
  offset: number;
  length: number;
}

/** What each row of `orderedQuery` holds: the entity key, the row's hash, and the row's text (`record_out`). */
export const KEY = 0;
export const HASH = 1;
export const RECORD = 2;

/** The query's columns, without reading a row. */
export function columnsQuery(sql: string): WrappedQuery {
  return wrap('SELECT * FROM (\n', sql, '\n) AS q LIMIT 0');
}

/** `count(*)` of the query's rows, for a progress bar with a total. */
export function countQuery(sql: string): WrappedQuery {
  return wrap('SELECT count(*) AS n FROM (\n', sql, '\n) AS q');
}

/**
 * The query's rows as `[key, hash, text]`, sorted by key in code point order: in a UTF-8 database `COLLATE "C"`
 * compares the UTF-8 bytes (with PostgreSQL's fast abbreviated keys); in any other, `convert_to(…, 'UTF8')`
 * sorts the UTF-8 bytes as bytea.
 *
 * - key: the key columns' text output (`concat`), the membership's two joined by the unit separator; NULL when a
 *   key column is NULL or empty (the row is skipped). Columns are renamed by position, so duplicate column
 *   names cannot make it ambiguous (the last of a name is the key, as when a driver makes a row an object).
 * - text: the row as PostgreSQL writes a record (every column, NULL told from empty), turned into text once
 *   (the LATERAL … OFFSET 0 keeps the planner from doing it twice) and sent as one value: reading one value
 *   costs the sync far less than reading each column, and the rare changed row is split with `splitRecord`.
 * - hash: 128 bits of that text, two seeded `hashtextextended` (the hash behind hash partitioning, so stable
 *   across PostgreSQL versions; over the bytes under `COLLATE "C"`). Not a cryptographic hash — the rows are the
 *   user's own — but a change slips by only if both seeded 64-bit lanes collide, and it costs PostgreSQL next to
 *   nothing where sha256 doubled its time per row. Taken above the sort, so rows are hashed as they are fetched. The
 *   text depends on session settings (TimeZone, DateStyle…): if those change between runs, every row reads as
 *   moved once, and the per-attribute diff finds nothing to send.
 *
 * PostgreSQL keeps a subquery's order through a plain subquery scan and a nested loop; the sync checks the
 * order as it reads all the same, and stops rather than diff out of order.
 */
export function orderedQuery(
  kind: EntityKind,
  sql: string,
  columns: readonly string[],
  serverEncoding: string,
): WrappedQuery {
  const { aliases, key, order } = keyExpressions(kind, columns, serverEncoding);
  const lane = (seed: number) => `int8send(hashtextextended(r.t COLLATE "C", ${seed}))`;
  const hash = `encode(${lane(0)} || ${lane(1)}, 'base64')`;
  return wrap(
    `SELECT ${key('s')}, ${hash}, r.t FROM (SELECT * FROM (\n`,
    sql,
    `\n) AS q(${aliases.join(', ')}) ORDER BY ${order}) AS s, LATERAL (SELECT s::text AS t OFFSET 0) AS r`,
  );
}

/**
 * Only the keys of `orderedQuery`, in the same order: what the deletion cap's check reads before a run. The key
 * is taken before the sort, so PostgreSQL sorts the keys alone rather than whole rows, as `orderedQuery` must (a
 * third of the check's time on 100,000 rows).
 */
export function keysQuery(
  kind: EntityKind,
  sql: string,
  columns: readonly string[],
  serverEncoding: string,
): WrappedQuery {
  const { aliases, key } = keyExpressions(kind, columns, serverEncoding);
  // `k` keeps the key's COLLATE "C", so ORDER BY k compares UTF-8 bytes as `orderedQuery`'s order does.
  const order = serverEncoding === 'UTF8' ? 'k' : `convert_to(k, 'UTF8')`;
  return wrap(
    `SELECT k FROM (SELECT ${key('q')} AS k FROM (\n`,
    sql,
    `\n) AS q(${aliases.join(', ')})) AS s ORDER BY ${order}`,
  );
}

function keyExpressions(kind: EntityKind, columns: readonly string[], serverEncoding: string) {
  const aliases = columns.map((_, i) => `"c${i + 1}"`);
  const key = (row: string) => {
    // `COLLATE "C"`: under a nondeterministic collation a non-empty value could compare equal to ''.
    const [first, second] = KEY_COLUMNS[kind].map(
      (name) => `concat(${row}.${aliases[columns.lastIndexOf(name)]}) COLLATE "C"`,
    );
    return second === undefined
      ? `NULLIF(${first}, '')`
      : `CASE WHEN ${first} = '' OR ${second} = '' THEN NULL ELSE ${first} || chr(${KEY_SEPARATOR.charCodeAt(0)}) || ${second} END`;
  };
  const order = serverEncoding === 'UTF8' ? key('q') : `convert_to(${key('q')}, 'UTF8')`;
  return { aliases, key, order };
}

/**
 * A database error's position (1-based, in characters, as PostgreSQL counts them) inside the user's query (as
 * trimmed), or undefined when the error lies in the wrapping.
 */
export function positionInQuery(query: WrappedQuery, position: number): number | undefined {
  const at = position - query.offset;
  return at >= 1 && at <= query.length ? at : undefined;
}

// Newlines around the query: a trailing `-- comment` must not swallow the closing parenthesis.
function wrap(before: string, sql: string, after: string): WrappedQuery {
  const query = stripSemicolon(sql);
  // `before` is ASCII, so its length in UTF-16 units is its length in characters.
  return { sql: `${before}${query}${after}`, offset: before.length, length: [...query].length };
}

const stripSemicolon = (sql: string) => sql.trim().replace(/;\s*$/, '');
