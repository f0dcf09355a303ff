// splitRecord against PostgreSQL's own record_out: random column values, NULLs, quotes, backslashes, arrays.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitRecord } from '../../../lib/sync/record-text.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';

let pgServer: TestPostgres;
beforeAll(async () => {
  pgServer = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pgServer?.stop();
});

// PostgreSQL text cannot hold NUL; everything else goes, weighted towards what record_out must quote.
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replaceAll('\u0000', '')),
  fc
    .array(fc.constantFrom('"', '\\', '(', ')', ',', ' ', '\t', '\n', '{', '}', 'a', 'é', '😀'), {
      maxLength: 8,
    })
    .map((chars) => chars.join('')),
);

describe('splitRecord on PostgreSQL records', () => {
  it('gives back each column exactly as its type writes it', async () => {
    const rows = fc.sample(
      fc.tuple(
        fc.option(text),
        fc.option(text),
        fc.option(fc.integer()),
        fc.option(fc.array(fc.option(text), { maxLength: 3 })),
      ),
      300,
    );
    await pgServer.sql(
      'DROP TABLE IF EXISTS records; CREATE TABLE records (n int, a text, b text, i int, l text[])',
    );
    await pgServer.sql(
      `INSERT INTO records SELECT n, a, b, i, CASE WHEN l IS NULL THEN NULL ELSE ARRAY(SELECT json_array_elements_text(l::json)) END
       FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[]) AS t(n, a, b, i, l)`,
      [
        rows.map((_, n) => n),
        rows.map((r) => r[0]),
        rows.map((r) => r[1]),
        rows.map((r) => r[2]),
        rows.map((r) => (r[3] === null ? null : JSON.stringify(r[3]))),
      ],
    );
    const { rows: out } = await pgServer.sql(
      'SELECT r::text AS record, ARRAY[n::text, a, b, i::text, l::text] AS columns FROM records AS r ORDER BY n',
    );
    expect(out).toHaveLength(rows.length);
    for (const { record, columns } of out) expect(splitRecord(record)).toEqual(columns);
  });
});
