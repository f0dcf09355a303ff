import { describe, expect, it } from 'vitest';
import { columnsQuery, orderedQuery, positionInQuery } from '../../../lib/sync/sync-query.ts';

describe('wrapping the user query', () => {
  it('maps a database error position back into the query as written, or drops it outside', () => {
    const sql = 'SELECT id, émail FROM people';
    const wrapped = orderedQuery('users', sql, ['id', 'émail'], 'UTF8');
    const at = (userPosition: number) => wrapped.offset + userPosition;
    expect(wrapped.sql.slice(wrapped.offset, wrapped.offset + sql.length)).toBe(sql);
    expect(positionInQuery(wrapped, at(12))).toBe(12);
    expect(positionInQuery(wrapped, at(1))).toBe(1);
    expect(positionInQuery(wrapped, at(0))).toBeUndefined();
    expect(positionInQuery(wrapped, at(sql.length + 1))).toBeUndefined();
  });

  it('leaves a trailing comment and drops a trailing semicolon', () => {
    expect(columnsQuery('SELECT id FROM people -- all of them').sql).toMatch(/-- all of them\n\) AS q/);
    expect(columnsQuery('  SELECT id FROM people;  ').sql).toContain('(\nSELECT id FROM people\n)');
  });

  it('sorts by bytes itself when the database is not UTF-8', () => {
    expect(orderedQuery('users', 'SELECT id FROM t', ['id'], 'UTF8').sql).not.toContain('convert_to(NULLIF');
    expect(orderedQuery('users', 'SELECT id FROM t', ['id'], 'LATIN1').sql).toContain('convert_to(NULLIF');
  });
});
